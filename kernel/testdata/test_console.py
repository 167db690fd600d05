"""The Go kernel in jupyter console, the terminal front end, driven through a
pseudo-terminal as a person would type into it.

Run by the Go end-to-end tests with JUPYTER_PATH pointing at a freshly
installed kernelspec named by GOLESSONS_KERNEL.
"""
import os
import re
import unittest

import pexpect

KERNEL = os.environ.get("GOLESSONS_KERNEL", "golessons")
TIMEOUT = 60
PROMPT = re.compile(r"In \[(\d+)\]: ")


class TestConsole(unittest.TestCase):
    def setUp(self):
        env = dict(os.environ, TERM="dumb", COLUMNS="200", LINES="50")
        self.term = pexpect.spawn(
            "jupyter", ["console", "--kernel=" + KERNEL, "--no-confirm-exit"],
            env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(50, 200))
        self.term.expect(PROMPT)

    def tearDown(self):
        self.term.send("\x04")  # Ctrl-D at an empty prompt ends the console
        self.term.expect(pexpect.EOF)
        self.term.close()

    def run_line(self, line):
        """Types one line and returns what the console printed before the
        next prompt."""
        self.term.sendline(line)
        self.term.expect(PROMPT)
        return self.term.before

    def test_cells(self):
        self.run_line('import "fmt"')
        self.run_line('x := 6 * 7')
        out = self.run_line('fmt.Println("x is", x)')
        self.assertIn("x is 42", out)

    def test_progress_bar_ends_in_final_state(self):
        # jupyter console ignores update_display_data: the bar is a line of
        # text rewritten in place, and the last thing printed is its final
        # state.
        self.run_line('import "time"')
        self.run_line('import "github.com/golessons/golessons/lessons/progress"')
        out = self.run_line(
            'progress.Range(6, "steps", func(int) { time.Sleep(60 * time.Millisecond) })')
        states = re.findall(r"steps \|[^|]*\| (\d+)/6", out)
        self.assertTrue(states, out)
        self.assertEqual(states[-1], "6", out)
        self.assertGreater(len(states), 1, "the bar was not updated: %r" % out)
        self.assertIn("\r", out)


if __name__ == "__main__":
    unittest.main()
