"""Conformance of the Go kernel with jupyter_kernel_test's KernelTests.

Run by the Go end-to-end tests with JUPYTER_PATH pointing at a freshly
installed kernelspec named by GOLESSONS_KERNEL.
"""
import os
import unittest

import jupyter_kernel_test


class GoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("GOLESSONS_KERNEL", "golessons")
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'
    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "import \"strings\"\nstrings.ToU", "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "fmt.Sprin", "matches": {"Sprint", "Sprintf", "Sprintln"}},
    ]

    complete_code_samples = ["x := 1", 'import "fmt"\nfmt.Println(1)', "func f() int {\n\treturn 1\n}"]
    incomplete_code_samples = ["func f() {", "x := []int{\n1,", 's := `raw']
    invalid_code_samples = ["x := 1)", "func f() }", "x := := 2"]

    code_page_something = "?fmt.Println"

    code_generate_error = 'panic("this cell fails on purpose")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "x := 21\nx * 2", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
    ]

    code_display_data = [
        {"code": 'import "github.com/golessons/golessons/lessons/display"\ndisplay.Show(display.HTML("<b>hi</b>"))', "mime": "text/html"},
        {"code": 'import "github.com/golessons/golessons/lessons/display"\ndisplay.Show(display.Markdown("*hi*"))', "mime": "text/markdown"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "fmt.Println"

    code_clear_output = 'import "github.com/golessons/golessons/lessons/display"\ndisplay.Clear(true)'


if __name__ == "__main__":
    unittest.main(verbosity=2)
