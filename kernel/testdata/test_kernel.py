"""End-to-end behaviour of the Go kernel, driven by jupyter_client as a
front end would drive it: control requests, interrupts, crashes, standard
input, ordering of output, and bad messages.

Run by the Go end-to-end tests with JUPYTER_PATH pointing at a freshly
installed kernelspec named by GOLESSONS_KERNEL.
"""
import os
import queue
import signal
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

KERNEL = os.environ.get("GOLESSONS_KERNEL", "golessons")
TIMEOUT = 30


class KernelCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def setUp(self):
        self.drain()

    def drain(self):
        # The client's get_*_msg methods, not the channels': in jupyter_client 7
        # the blocking client's control channel is the asynchronous one.
        for get in (self.kc.get_iopub_msg, self.kc.get_shell_msg, self.kc.get_control_msg):
            while True:
                try:
                    get(timeout=0.05)
                except queue.Empty:
                    break

    def collect(self, msg_id, timeout=TIMEOUT):
        """Returns the iopub messages of request msg_id up to its idle."""
        out = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out
            out.append(m)
        self.fail("no idle status for %s" % msg_id)

    def shell_reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.kc.get_shell_msg(timeout=timeout)
            if m["parent_header"].get("msg_id") == msg_id:
                return m
        self.fail("no reply to %s" % msg_id)

    def run_cell(self, code, timeout=TIMEOUT, **kw):
        msg_id = self.kc.execute(code, **kw)
        reply = self.shell_reply(msg_id, timeout)
        return reply, self.collect(msg_id, timeout)

    def stdout(self, msgs):
        return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def result(self, msgs):
        for m in msgs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"]["text/plain"]
        return None


class TestCells(KernelCase):
    def test_state_persists(self):
        reply, _ = self.run_cell("type point struct{ X, Y int }\nfunc (p point) Sum() int { return p.X + p.Y }\np := point{2, 3}")
        self.assertEqual(reply["content"]["status"], "ok")
        reply, msgs = self.run_cell("p.Sum()")
        self.assertEqual(self.result(msgs), "5")

    def test_modern_go(self):
        code = ('import (\n\t"fmt"\n\t"slices"\n\t"sync"\n)\n'
                "var mu sync.Mutex\nvar seen []int\nvar wg sync.WaitGroup\n"
                "for i := 0; i < 3; i++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tmu.Lock()\n\t\tseen = append(seen, i)\n\t\tmu.Unlock()\n\t}()\n}\n"
                "wg.Wait()\nslices.Sort(seen)\n"
                "for i := range 2 {\n\tfmt.Print(i, \" \")\n}\n"
                "fmt.Println(seen, min(3, 1, 2), max(2.5, 1))")
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs), "0 1 [0 1 2] 1 2.5\n")

    def test_go_error_messages(self):
        reply, _ = self.run_cell("xs := []int{1, 2, 3}\nk := 5\nxs[k]")
        self.assertEqual(reply["content"]["evalue"], "runtime error: index out of range [5] with length 3")
        reply, _ = self.run_cell("type box struct{ n int }\nbx := box{}\nbx.size")
        self.assertRegex(reply["content"]["evalue"], r"cell\[\d+\]:3:1: bx.size undefined \(bx has no field or method size\)")

    def test_crash_restore_names_lost_values(self):
        self.run_cell("func keep() int { return 1 }\ncomputed := 42\nvar counter = 1\ncounter++")
        reply, _ = self.run_cell("m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j] = i\n\t\t}\n\t}()\n}\nselect {}", timeout=60)
        c = reply["content"]
        self.assertEqual(c["status"], "error")
        self.assertIn("concurrent map", c["evalue"])
        tb = "\n".join(c["traceback"])
        self.assertIn("computed", tb)
        self.assertIn("Back to their initial values: counter.", tb)
        reply, msgs = self.run_cell("keep() + counter")
        self.assertEqual(self.result(msgs), "2")

    def test_magics(self):
        reply, msgs = self.run_cell("%help")
        self.assertIn("%timeit", self.stdout(msgs))
        self.assertIn("%go get MODULE[@VERSION]", self.stdout(msgs))
        self.run_cell("func square(n int) int { return n * n }")
        reply, msgs = self.run_cell("%time square(3)")
        self.assertEqual(self.result(msgs), "9")
        self.assertRegex(self.stdout(msgs), r"CPU time: \S+\nWall time: \S+\n")
        reply, msgs = self.run_cell("%who")
        self.assertIn("Functions: ", self.stdout(msgs))
        self.assertIn("square", self.stdout(msgs))
        reply, msgs = self.run_cell("%nope")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("unknown magic %nope", reply["content"]["evalue"])

    def test_println_shows_no_result(self):
        reply, msgs = self.run_cell('import "fmt"\nfmt.Println("only printed")')
        self.assertEqual(self.stdout(msgs), "only printed\n")
        self.assertIsNone(self.result(msgs))

    def test_error_points_into_cell(self):
        reply, msgs = self.run_cell("a := 1\nb := a + missing")
        c = reply["content"]
        self.assertEqual(c["status"], "error")
        self.assertRegex(c["evalue"], r"cell\[\d+\]:2:\d+: undefined: missing")
        self.assertEqual([m["msg_type"] for m in msgs if m["msg_type"] == "error"], ["error"])

    def test_silent_and_counts(self):
        reply, _ = self.run_cell("1")
        count = reply["content"]["execution_count"]
        reply, msgs = self.run_cell("2", silent=True)
        self.assertEqual(reply["content"]["execution_count"], count)
        self.assertFalse([m for m in msgs if m["msg_type"] in ("execute_input", "execute_result")])
        reply, _ = self.run_cell("3", store_history=False)
        self.assertEqual(reply["content"]["execution_count"], count)
        reply, _ = self.run_cell("4")
        self.assertEqual(reply["content"]["execution_count"], count + 1)

    def test_user_expressions(self):
        reply, _ = self.run_cell("ux := 20", user_expressions={"double": "ux * 2", "bad": "nope +"})
        ue = reply["content"]["user_expressions"]
        self.assertEqual(ue["double"]["status"], "ok")
        self.assertEqual(ue["double"]["data"]["text/plain"], "40")
        self.assertEqual(ue["bad"]["status"], "error")

    def test_rich_result(self):
        reply, msgs = self.run_cell('import "github.com/golessons/golessons/lessons/display"\ndisplay.HTML("<i>x</i>")')
        data = [m["content"]["data"] for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(data[0]["text/html"], "<i>x</i>")

    def test_output_order_with_display(self):
        code = ('import (\n\t"fmt"\n\t"github.com/golessons/golessons/lessons/display"\n)\n'
                'fmt.Println("before")\ndisplay.Show(display.Markdown("middle"))\nfmt.Println("after")')
        reply, msgs = self.run_cell(code)
        kinds = [(m["msg_type"], m["content"].get("text", "").strip()) for m in msgs if m["msg_type"] in ("stream", "display_data")]
        self.assertEqual(kinds, [("stream", "before"), ("display_data", ""), ("stream", "after")])

    def test_many_lines_arrive_coalesced(self):
        reply, msgs = self.run_cell('import "fmt"\nfor i := 0; i < 100000; i++ { fmt.Println(i) }', timeout=60)
        text = self.stdout(msgs)
        lines = text.splitlines()
        self.assertEqual(len(lines), 100000)
        self.assertEqual(lines[-1], "99999")
        streams = [m for m in msgs if m["msg_type"] == "stream"]
        self.assertLess(len(streams), 100)

    def test_goroutine_output_after_cell_keeps_its_parent(self):
        msg_id = self.kc.execute('import (\n\t"fmt"\n\t"time"\n)\ngo func() {\n\ttime.Sleep(300 * time.Millisecond)\n\tfmt.Println("late")\n}()')
        self.shell_reply(msg_id)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if m["msg_type"] == "stream" and "late" in m["content"]["text"]:
                self.assertEqual(m["parent_header"]["msg_id"], msg_id)
                return
        self.fail("late output never arrived")

    def test_stop_on_error_aborts_queue(self):
        bad = self.kc.execute('panic("first")')
        queued = self.kc.execute("1 + 1")
        self.assertEqual(self.shell_reply(bad)["content"]["status"], "error")
        self.assertEqual(self.shell_reply(queued)["content"]["status"], "aborted")
        self.drain()
        reply, msgs = self.run_cell("1 + 1")
        self.assertEqual(self.result(msgs), "2")

    def test_comm_open_unknown_target(self):
        msg = self.kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "nothing", "data": {}})
        self.kc.shell_channel.send(msg)
        msgs = self.collect(msg["header"]["msg_id"])
        self.assertIn("comm_close", [m["msg_type"] for m in msgs])
        msg_id = self.kc.comm_info()
        self.assertEqual(self.shell_reply(msg_id)["content"]["comms"], {})


class TestStdin(KernelCase):
    def test_input_request(self):
        msg_id = self.kc.execute('import "fmt"\nvar name string\nfmt.Print("Name: ")\nfmt.Scanln(&name)\nfmt.Println("hello", name)', allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(req["msg_type"], "input_request")
        self.kc.input("gopher")
        reply = self.shell_reply(msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("hello gopher", self.stdout(self.collect(msg_id)))

    def test_bufio_reads_stdin(self):
        code = 'import (\n\t"bufio"\n\t"fmt"\n\t"os"\n)\ns := bufio.NewScanner(os.Stdin)\ns.Scan()\nfmt.Println("got", s.Text())'
        msg_id = self.kc.execute(code, allow_stdin=True)
        self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.kc.input("a line")
        self.shell_reply(msg_id)
        self.assertIn("got a line", self.stdout(self.collect(msg_id)))

    def test_no_stdin(self):
        reply, msgs = self.run_cell('import "fmt"\nvar v int\n_, err := fmt.Scan(&v)\nfmt.Println(err)', allow_stdin=False)
        self.assertIn("allow_stdin is false", self.stdout(msgs))


class TestRobustness(KernelCase):
    def test_interrupt_busy_loop_keeps_state(self):
        self.run_cell("kept := 7")
        msg_id = self.kc.execute("for {}")
        time.sleep(0.3)
        # kernel_info is answered while the cell runs.
        info = self.kc.kernel_info()
        self.assertEqual(self.shell_reply(info, timeout=5)["content"]["status"], "ok")
        self.km.interrupt_kernel()
        reply = self.shell_reply(msg_id, timeout=10)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "interrupted")
        self.drain()
        reply, msgs = self.run_cell("kept")
        self.assertEqual(self.result(msgs), "7")

    def test_interrupt_by_signal(self):
        msg_id = self.kc.execute("for {}")
        time.sleep(0.3)
        os.kill(self.km.provisioner.process.pid, signal.SIGINT)
        reply = self.shell_reply(msg_id, timeout=10)
        self.assertEqual(reply["content"]["ename"], "interrupted")
        self.drain()

    def test_interrupt_every_kind_of_cell(self):
        self.run_cell('import (\n\t"sync"\n\t"time"\n)\nkept := 3')
        for code in ["time.Sleep(time.Hour)", "for {\n\ttime.Sleep(10 * time.Millisecond)\n}", "<-make(chan int)",
                     "select {}", "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()", "for range 3 {\n\tgo func() { for {} }()\n}\nselect {}"]:
            with self.subTest(code=code):
                msg_id = self.kc.execute(code)
                time.sleep(0.3)
                self.km.interrupt_kernel()
                reply = self.shell_reply(msg_id, timeout=10)
                self.assertEqual(reply["content"]["ename"], "interrupted")
                if "go func" in code:
                    self.assertIn("Stopped 3 goroutines", "\n".join(reply["content"]["traceback"]))
                self.drain()
                reply, msgs = self.run_cell("kept")
                self.assertEqual(self.result(msgs), "3")

    def test_interrupt_when_idle_stops_background_goroutines(self):
        reply, msgs = self.run_cell('import (\n\t"sync/atomic"\n\t"time"\n)\nvar ticks atomic.Int64\ngo func() {\n\tfor {\n\t\tticks.Add(1)\n\t\ttime.Sleep(time.Millisecond)\n\t}\n}()')
        cell_id = reply["parent_header"]["msg_id"]
        self.km.interrupt_kernel()
        deadline, said = time.time() + 10, ""
        while "Stopped 1 goroutine" not in said and time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == cell_id:
                said += m["content"]["text"]
        self.assertIn("Stopped 1 goroutine", said)
        reply, msgs = self.run_cell('a := ticks.Load()\ntime.Sleep(50 * time.Millisecond)\nticks.Load() - a')
        self.assertEqual(self.result(msgs), "0")

    def test_redefined_type_and_method(self):
        self.run_cell('import "fmt"\ntype Point struct{ X int }\nfunc (p Point) Show() string { return fmt.Sprint("x=", p.X) }\nfunc describe(p Point) string { return p.Show() }')
        reply, msgs = self.run_cell('type Point struct{ X, Y int }\nfunc (p Point) Show() string { return fmt.Sprint("x=", p.X, " y=", p.Y) }')
        self.assertEqual(reply["content"]["status"], "ok")
        reply, msgs = self.run_cell("describe(Point{X: 1, Y: 2})")
        self.assertEqual(self.result(msgs), '"x=1 y=2"')

    def test_goroutine_panic_does_not_kill_kernel(self):
        self.run_cell("const answer = 42")
        reply, msgs = self.run_cell('go func() { panic("in a goroutine") }()\nimport "time"\ntime.Sleep(time.Second)')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("in a goroutine", reply["content"]["evalue"] + "".join(reply["content"]["traceback"]))
        reply, msgs = self.run_cell("answer")
        self.assertEqual(self.result(msgs), "42")

    def test_os_exit(self):
        reply, msgs = self.run_cell('import "os"\nos.Exit(3)')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("status 3", reply["content"]["evalue"])
        reply, msgs = self.run_cell("1")
        self.assertEqual(self.result(msgs), "1")

    def test_stack_overflow(self):
        reply, msgs = self.run_cell("func foo(n int) int { return boo(n) + 1 }\nfunc boo(n int) int { return foo(n) + 1 }\nfoo(1)", timeout=60)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("stack overflow", reply["content"]["evalue"])
        reply, msgs = self.run_cell("1 + 1")
        self.assertEqual(self.result(msgs), "2")

    def test_bad_signature_is_dropped(self):
        bad = Session(key=b"wrong key", username="intruder")
        sock = self.kc.shell_channel.socket
        msg = bad.msg("execute_request", {"code": 'panic("must not run")', "silent": False})
        bad.send(sock, msg)
        # The kernel ignores it and keeps answering.
        msg_id = self.kc.kernel_info()
        self.assertEqual(self.shell_reply(msg_id, timeout=5)["content"]["status"], "ok")
        try:
            m = self.kc.get_shell_msg(timeout=0.5)
            self.assertNotEqual(m["parent_header"].get("msg_id"), msg["header"]["msg_id"])
        except queue.Empty:
            pass

    def test_replayed_message_is_dropped(self):
        sock = self.kc.shell_channel.socket
        msg = self.kc.session.msg("execute_request", {"code": "replayedVar := 1", "silent": False,
                                                        "store_history": True, "user_expressions": {}, "allow_stdin": False})
        frames = self.kc.session.serialize(msg)
        sock.send_multipart(frames)
        self.shell_reply(msg["header"]["msg_id"])
        sock.send_multipart(frames)
        try:
            m = self.kc.get_shell_msg(timeout=1)
            self.assertNotEqual(m["parent_header"].get("msg_id"), msg["header"]["msg_id"])
        except queue.Empty:
            pass

    def test_malformed_frames(self):
        sock = self.kc.shell_channel.socket
        sock.send_multipart([b"<IDS|MSG>", b"", b"not json", b"{}", b"{}", b"{}"])
        sock.send_multipart([b"garbage"])
        msg_id = self.kc.kernel_info()
        self.assertEqual(self.shell_reply(msg_id, timeout=5)["content"]["status"], "ok")


class TestLessonRuntime(KernelCase):
    """The seeds' teaching points, through the lesson runtime in cells."""

    PRELUDE = ('import (\n\t"fmt"\n\t"sync"\n\t"time"\n'
               '\t"github.com/golessons/golessons/lessons/logging"\n'
               '\t"github.com/golessons/golessons/lessons/mergesort"\n'
               '\t"github.com/golessons/golessons/lessons/pool"\n)\n'
               'var words = map[int]string{2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE", 6: "SIX"}\n'
               'const unit = 40 * time.Millisecond\n')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reply = cls.kc.execute_interactive(cls.PRELUDE, timeout=TIMEOUT)
        assert reply["content"]["status"] == "ok", reply["content"]

    def lines(self, msgs):
        """The log lines of a cell, without their times."""
        return [l.split(":", 3)[3] for l in self.stdout(msgs).splitlines() if l.count(":") >= 3]

    def test_pool_as_completed(self):
        reply, msgs = self.run_cell(
            'func delayMessage(d int, msg string) any {\n\tlogging.Info(msg, " received")\n\ttime.Sleep(time.Duration(d) * unit)\n\tlogging.Info("Printing ", msg)\n\treturn msg\n}\n'
            'start := time.Now()\npool.With(2, func(p *pool.Pool) {\n\tvar fs []*pool.Future\n\tfor i := 2; i <= 6; i++ {\n\t\tfs = append(fs, p.Submit(func() any { return delayMessage(i, words[i]) }))\n\t}\n'
            '\tfor f := range pool.AsCompleted(fs) {\n\t\tlogging.Info(f.Result(), " Done")\n\t}\n})\nelapsed := time.Since(start)\nfmt.Println(elapsed < 18*unit)')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        lines = self.lines(msgs)
        done = [l.split(":")[1] for l in lines if l.endswith(" Done")]
        self.assertEqual(done, ["TWO Done", "THREE Done", "FOUR Done", "FIVE Done", "SIX Done"])
        workers = {l.split(":")[0] for l in lines if "received" in l}
        self.assertEqual(len(workers), 2, lines)
        self.assertTrue(all(w.startswith("ThreadPoolExecutor-") for w in workers), workers)
        # Two workers: the 20 units of work take about 12, well under the sum.
        self.assertTrue(self.stdout(msgs).endswith("true\n"), self.stdout(msgs))

    def test_unlocked_update_loses_writes(self):
        code = ('type DbUpdate struct {\n\tvalue int\n\tmu    sync.Mutex\n}\n'
                'func (db *DbUpdate) Update(locked bool) any {\n\tif locked {\n\t\tdb.mu.Lock()\n\t\tdefer db.mu.Unlock()\n\t}\n\ttmp := db.value\n\ttime.Sleep(unit)\n\tdb.value = tmp*tmp + 1\n\treturn nil\n}\n'
                'func run(locked bool) int {\n\tdb := &DbUpdate{}\n\tpool.With(4, func(p *pool.Pool) {\n\t\tfor range 4 {\n\t\t\tp.Submit(func() any { return db.Update(locked) })\n\t\t}\n\t})\n\treturn db.value\n}\n'
                'fmt.Println(run(false), run(true))')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        unlocked, locked = self.stdout(msgs).split()
        self.assertEqual(locked, "26")  # 0 → 1 → 2 → 5 → 26
        self.assertNotEqual(unlocked, "26")  # the workers read the same value: writes are lost

    def test_race_detector_in_cells(self):
        code = ('import "github.com/golessons/golessons/lessons/race"\n'
                'func dbUpdates(locked bool) string {\n\td := race.Default()\n\td.Reset()\n\td.Quiet()\n'
                '\tvalue := d.Int("db.value", 0)\n\tmu := d.Mutex()\n'
                '\tpool.With(5, func(p *pool.Pool) {\n\t\tfor range 5 {\n\t\t\tp.Submit(func() any {\n'
                '\t\t\t\tif locked {\n\t\t\t\t\tmu.Lock()\n\t\t\t\t\tdefer mu.Unlock()\n\t\t\t\t}\n'
                '\t\t\t\ttmp := value.Load()\n\t\t\t\ttime.Sleep(unit)\n\t\t\t\tvalue.Store(tmp*tmp + 1)\n\t\t\t\treturn nil\n\t\t\t})\n\t\t}\n\t})\n'
                '\treturn fmt.Sprint(value.Load(), " ", len(d.Races()))\n}\n'
                'fmt.Println(dbUpdates(false))\nfmt.Println(dbUpdates(true))\nfmt.Print(race.Default().Report())')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        out = self.stdout(msgs).splitlines()
        unlocked, locked = out[0].split(), out[1].split()
        self.assertGreater(int(unlocked[1]), 0, out)
        self.assertEqual(locked, ["677", "0"])

    def test_blocking_call_stalls_the_event_loop(self):
        code = ('import "github.com/golessons/golessons/lessons/loop"\n'
                'func delayMessage(ctx *loop.Context, d int, msg string) any {\n\tlogging.Info(msg, " received")\n'
                '\tif msg != "THREE" {\n\t\tctx.Sleep(time.Duration(d) * unit)\n\t} else {\n\t\ttime.Sleep(time.Duration(d) * unit) // blocks every task\n\t}\n'
                '\tlogging.Info("Printing ", msg)\n\treturn nil\n}\n'
                'names := []string{"ONE", "TWO", "THREE", "FOUR", "FIVE"}\n'
                '_, err := loop.Run(func(ctx *loop.Context) any {\n\tlogging.Info("Main started")\n\tvar coros []func(*loop.Context) any\n'
                '\tfor i, name := range names {\n\t\tcoros = append(coros, func(ctx *loop.Context) any { return delayMessage(ctx, i+1, name) })\n\t}\n'
                '\tctx.Gather(coros...)\n\tlogging.Info("Main Ended")\n\treturn nil\n})\nerr')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        lines = self.lines(msgs)
        self.assertTrue(all(l.startswith("MainThread:") for l in lines), lines)
        order = [l.split(":", 1)[1] for l in lines]
        self.assertEqual(order, ["Main started", "ONE received", "TWO received", "THREE received", "Printing THREE",
                                 "FOUR received", "FIVE received", "Printing ONE", "Printing TWO", "Printing FOUR",
                                 "Printing FIVE", "Main Ended"])

    def test_coroutine_cycle_is_named(self):
        code = ('var foo, boo func(*loop.Context) any\n'
                'foo = func(ctx *loop.Context) any { return ctx.Call("boo", boo) }\n'
                'boo = func(ctx *loop.Context) any { return ctx.Call("foo", foo) }\n'
                '_, err := loop.Run(func(ctx *loop.Context) any {\n\t_, err := ctx.GatherErr(false, foo, boo)\n\treturn err\n})\n'
                'fmt.Println(err)')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertIn("cycle: foo → boo → foo", self.stdout(msgs))

    def test_downloads_overlap_in_a_pool(self):
        code = ('import "github.com/golessons/golessons/lessons/sites"\n'
                'srv, err := sites.Start(unit, 1000)\nif err != nil {\n\tpanic(err)\n}\n'
                't0 := time.Now()\nfor _, u := range srv.URLs() {\n\tsites.Download(u)\n}\nseq, seqMax := time.Since(t0), srv.MaxInFlight()\n'
                'srv.ResetStats()\nt1 := time.Now()\npool.With(8, func(p *pool.Pool) {\n\tp.Map(len(srv.URLs()), func(i int) any {\n\t\tn, _ := sites.Download(srv.URLs()[i])\n\t\treturn n\n\t})\n})\n'
                'par, parMax := time.Since(t1), srv.MaxInFlight()\nsrv.Close()\nfmt.Println(seqMax, parMax > 1, par < seq/2)')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs), "1 true true\n")

    def test_parallel_merge_sort_is_faster(self):
        # Timing noise from a busy machine: the parallel sort must win one
        # of three rounds.
        code = ('lists := mergesort.Lists(200, 30000, 500000, 1)\nsame, faster := true, false\n'
                'for range 3 {\n\tt0 := time.Now()\n\ta := mergesort.SortAll(lists)\n\tseq := time.Since(t0)\n'
                '\tt1 := time.Now()\n\tb := mergesort.SortAllParallel(lists)\n\tpar := time.Since(t1)\n'
                '\tsame = same && fmt.Sprint(a) == fmt.Sprint(b)\n\tif par < seq {\n\t\tfaster = true\n\t\tbreak\n\t}\n}\n'
                'fmt.Println(same, faster)')
        reply, msgs = self.run_cell(code, timeout=120)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs), "true true\n")


class TestProcesses(KernelCase):
    """Worker processes of lessons/procs: real processes that run cell
    functions, do not share memory, fail cleanly, and leave nothing behind."""

    PRELUDE = ('import (\n\t"fmt"\n\t"os"\n\t"time"\n'
               '\t"github.com/golessons/golessons/lessons/procs"\n)\n'
               'func square(x int) int { return x * x }\n'
               'counter := 0\n'
               'func bump(n int) int { counter += n; return counter }\n'
               'func pid(int) int { return os.Getpid() }\n'
               'func boom(x int) int { if x == 3 { os.Exit(7) }; return x }\n'
               'func nap(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms }\n')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reply = cls.kc.execute_interactive(cls.PRELUDE, timeout=TIMEOUT)
        assert reply["content"]["status"] == "ok", reply["content"]

    def tearDown(self):
        # Every test leaves no worker process behind.
        deadline = time.time() + 5
        while self.workers() and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.workers(), [])

    def workers(self):
        """The worker processes descended from the kernel."""
        root = self.km.provisioner.process.pid
        parents, found = {}, []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    parents[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    if b"procs-worker" in f.read():
                        found.append(int(d))
            except OSError:
                pass
        def descends(p):
            while p in parents and p > 1:
                if p == root:
                    return True
                p = parents[p]
            return False
        return [p for p in found if descends(p)]

    def test_pids_differ_and_results_in_order(self):
        reply, msgs = self.run_cell(
            'procs.With(2, func(p *procs.Pool) {\n\tr, err := p.Map("square", []int{1, 2, 3, 4, 5})\n\tfmt.Println(r, err)\n'
            '\tps, _ := p.Map("pid", []int{1, 2, 3, 4})\n\tseen := map[any]bool{}\n\tfor _, x := range ps { seen[x] = true }\n'
            '\tfmt.Println(len(seen) >= 1, !seen[os.Getpid()], len(p.PIDs()) <= 2)\n})')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs), "[1 4 9 16 25] <nil>\ntrue true true\n")

    def test_memory_is_not_shared(self):
        reply, msgs = self.run_cell(
            'procs.With(1, func(p *procs.Pool) {\n\tr, _ := p.Map("bump", []int{1, 2, 3})\n\tfmt.Println(r, counter)\n})')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        # The worker's counter grew; the session's did not.
        self.assertEqual(self.stdout(msgs), "[1 3 6] 0\n")

    def test_crashing_worker_fails_its_future_and_is_replaced(self):
        reply, msgs = self.run_cell(
            'procs.With(1, func(p *procs.Pool) {\n\tr, err := p.Map("boom", []int{1, 2, 3, 4})\n\tfmt.Println(r)\n\tfmt.Println(err)\n})')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        out = self.stdout(msgs).splitlines()
        self.assertEqual(out[0], "[1 2 <nil> 4]")
        self.assertRegex(out[1], r"^process \d+ running boom ended: exit status 7$")

    def test_bad_arguments_are_named(self):
        reply, msgs = self.run_cell(
            'p := procs.New(1)\nfmt.Println(p.Submit("square", make(chan int)).Err())\n'
            'fmt.Println(p.Submit("nothing", 1).Err())\nfmt.Println(p.Submit("square", 1, 2).Err())\np.Shutdown()')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs),
                         "argument 1 of square is a chan int, not int\n"
                         "nothing is not a function declared in a cell\n"
                         "square takes 1 arguments, not 2\n")

    def test_interrupt_stops_workers(self):
        msg_id = self.kc.execute('p := procs.New(2)\np.Map("nap", []int{60000, 60000, 60000})')
        deadline = time.time() + 10
        while len(self.workers()) < 2 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(self.workers()), 2)
        self.km.interrupt_kernel()
        reply = self.shell_reply(msg_id, timeout=10)
        self.assertEqual(reply["content"]["status"], "error")
        self.drain()
        # The pool is still usable.
        reply, msgs = self.run_cell('r, err := p.Map("square", []int{3})\nfmt.Println(r, err)\np.Shutdown()')
        self.assertEqual(self.stdout(msgs), "[9] <nil>\n")

    def test_queue_and_dedicated_processes(self):
        reply, msgs = self.run_cell(
            'func squares(in, out *procs.Queue) {\n\tfor {\n\t\tx := in.Get().(int)\n\t\tout.Put(x * x)\n\t\tin.TaskDone()\n\t}\n}\n'
            'tasks, results := procs.NewQueue(), procs.NewQueue()\nfor x := 1; x <= 8; x++ {\n\ttasks.Put(x)\n}\n'
            'var ws []*procs.Process\nfor range 3 {\n\tws = append(ws, procs.Start("squares", tasks, results))\n}\n'
            'tasks.Join()\nsum := 0\nfor results.Len() > 0 {\n\tsum += results.Get().(int)\n}\n'
            'for _, w := range ws {\n\tw.Terminate()\n\tw.Wait()\n}\nfmt.Println(sum, ws[0].PID() != os.Getpid())')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs), "204 true\n")


class TestModules(KernelCase):
    """Modules beyond the standard library in cells: those compiled into
    every evaluator, and those %go get fetches with the Go toolchain and
    compiles into the session. The kernel's evaluator cache is the test
    run's own (GOLESSONS_CACHE), so the first %go get builds."""

    BUILD_TIMEOUT = 600

    def test_preloaded_modules(self):
        code = ('import (\n\t"context"\n\t"fmt"\n\t"time"\n'
                '\t"golang.org/x/sync/errgroup"\n\t"golang.org/x/sync/semaphore"\n\t"golang.org/x/time/rate"\n)\n'
                'g, ctx := errgroup.WithContext(context.Background())\n'
                'sem := semaphore.NewWeighted(2)\n'
                'lim := rate.NewLimiter(rate.Every(5*time.Millisecond), 1)\n'
                'squares := make([]int, 6)\n'
                'for i := range 6 {\n\tg.Go(func() error {\n\t\tif err := sem.Acquire(ctx, 1); err != nil {\n\t\t\treturn err\n\t\t}\n'
                '\t\tdefer sem.Release(1)\n\t\tif err := lim.Wait(ctx); err != nil {\n\t\t\treturn err\n\t\t}\n'
                '\t\tsquares[i] = i * i\n\t\treturn nil\n\t})\n}\n'
                'fmt.Println(g.Wait(), squares)')
        reply, msgs = self.run_cell(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.stdout(msgs), "<nil> [0 1 4 9 16 25]\n")
        # The first error cancels the group's context.
        reply, msgs = self.run_cell('g2, ctx2 := errgroup.WithContext(context.Background())\n'
                                    'g2.Go(func() error { return fmt.Errorf("boom") })\n'
                                    'g2.Go(func() error { <-ctx2.Done(); return nil })\n'
                                    'fmt.Println(g2.Wait(), sem.TryAcquire(3))')
        self.assertEqual(self.stdout(msgs), "boom false\n")

    def test_go_get(self):
        reply, _ = self.run_cell('import "strings"\nfunc shout(s string) string { return strings.ToUpper(s) + "!" }')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        reply, msgs = self.run_cell("%go get github.com/google/uuid", timeout=self.BUILD_TIMEOUT)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        out = self.stdout(msgs)
        self.assertIn("The session's evaluator now has github.com/google/uuid v1.6.0.", out)
        self.assertIn("The same versions on another machine: %go get github.com/google/uuid@v1.6.0", out)
        self.assertIn("The declarations of earlier cells were restored.", out)
        reply, msgs = self.run_cell('import "github.com/google/uuid"\nshout(uuid.Nil.String()[:4]) + shout(uuid.NewString()[14:15])')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(self.result(msgs), '"0000!4!"')

        # A second kernel finds the evaluator in the cache.
        km, kc = start_new_kernel(kernel_name=KERNEL)
        try:
            texts = []
            hook = lambda m: texts.append(m["content"]["text"]) if m["msg_type"] == "stream" else None
            reply = kc.execute_interactive("%go get github.com/google/uuid@v1.6.0", timeout=self.BUILD_TIMEOUT, output_hook=hook)
            self.assertEqual(reply["content"]["status"], "ok", reply["content"])
            self.assertIn("Found an evaluator with github.com/google/uuid v1.6.0 in the cache.", "".join(texts))
            reply = kc.execute_interactive('import "github.com/google/uuid"\nuuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8").Version()',
                                           timeout=TIMEOUT, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_go_get_errors(self):
        reply, _ = self.run_cell('import "github.com/golessons/not-compiled-in"')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn('cannot import "github.com/golessons/not-compiled-in": it is not compiled into this kernel; '
                      'run %go get github.com/golessons/not-compiled-in', reply["content"]["evalue"])
        reply, _ = self.run_cell("%go get github.com/golessons/no-such-module-anywhere", timeout=self.BUILD_TIMEOUT)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "go get")
        self.assertIn("github.com/golessons/no-such-module-anywhere", reply["content"]["evalue"])
        reply, _ = self.run_cell("%go get golang.org/x/sync", timeout=self.BUILD_TIMEOUT)
        self.assertIn("module golang.org/x/sync has no Go package at its root: name one of its packages, e.g. %go get golang.org/x/sync/errgroup",
                      reply["content"]["evalue"])
        reply, msgs = self.run_cell("6 * 7")
        self.assertEqual(self.result(msgs), "42")

    def test_go_get_module_not_in_module_cache(self):
        # Not in the module cache of a new machine: fetched through the
        # module proxy.
        reply, msgs = self.run_cell("%go get github.com/dustin/go-humanize@v1.1.0", timeout=self.BUILD_TIMEOUT)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertIn("github.com/dustin/go-humanize v1.1.0", self.stdout(msgs))
        reply, msgs = self.run_cell('import "github.com/dustin/go-humanize"\nhumanize.Bytes(82854982)')
        self.assertEqual(self.result(msgs), '"83 MB"')


class TestDistributed(TestProcesses):
    """Workers over an embedded NATS broker (lessons/tasks), as the seeds'
    Celery workers: separate processes, results back by name, redelivery
    when a worker dies mid-task, nothing left running."""

    PRELUDE = ('import (\n\t"fmt"\n\t"os"\n\t"time"\n'
               '\t"github.com/golessons/golessons/lessons/tasks"\n)\n'
               'func fun(x int) []int { return []int{x, x * x, os.Getpid()} }\n'
               'func nap(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return os.Getpid() }\n')

    def workers(self):
        root = self.km.provisioner.process.pid
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    argv = f.read().split(b"\0")
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if len(argv) > 1 and argv[1] == b"worker":
                out.append(int(d))
        return out

    def test_two_workers_and_redelivery(self):
        reply, msgs = self.run_cell(
            'app, err := tasks.New("demo")\nif err != nil {\n\tpanic(err)\n}\n'
            'w1, _ := app.StartWorker(2)\nw2, _ := app.StartWorker(2)\n'
            'var rs []*tasks.Result\nfor x := 1; x <= 6; x++ {\n\trs = append(rs, app.Task("fun").Delay(x))\n}\n'
            'pids := map[int]bool{w1.PID(): true, w2.PID(): true}\n'
            'for _, r := range rs {\n\tv, err := r.GetTimeout(30 * time.Second)\n\tif err != nil {\n\t\tpanic(err)\n\t}\n'
            '\tt := v.([]int)\n\tfmt.Println(t[0], t[1], pids[t[2]], t[2] != os.Getpid())\n}\n'
            # A worker killed in the middle of a task: the task goes to another.
            'slow := app.Task("nap").Delay(1500)\ntime.Sleep(300 * time.Millisecond)\nw1.Stop()\nw2.Stop()\n'
            'w3, _ := app.StartWorker(1)\nv, err := slow.GetTimeout(30 * time.Second)\nfmt.Println(v == w3.PID(), err)\n'
            'fmt.Println(app.Task("fun").Delay("x").Err())\napp.Close()')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        lines = [l for l in self.stdout(msgs).splitlines() if not l.startswith("worker ")]
        self.assertEqual(lines, ["1 1 true true", "2 4 true true", "3 9 true true", "4 16 true true",
                                 "5 25 true true", "6 36 true true", "true <nil>",
                                 "argument 1 of fun is a string, not int"])

    def test_interrupt_stops_workers(self):
        msg_id = self.kc.execute('app2, _ := tasks.New("demo2")\nw, _ := app2.StartWorker(1)\napp2.Task("nap").Delay(60000).Get()')
        deadline = time.time() + 20
        while not self.workers() and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(self.workers()), 1)
        time.sleep(0.3)
        self.km.interrupt_kernel()
        reply = self.shell_reply(msg_id, timeout=10)
        self.assertEqual(reply["content"]["status"], "error")
        self.drain()
        self.run_cell("app2.Close()")

    # The process-pool tests of the base class do not apply here.
    test_pids_differ_and_results_in_order = None
    test_memory_is_not_shared = None
    test_crashing_worker_fails_its_future_and_is_replaced = None
    test_bad_arguments_are_named = None
    test_queue_and_dedicated_processes = None


class TestShutdownEndsWorkers(unittest.TestCase):
    def test_no_process_left_after_shutdown(self):
        km, kc = start_new_kernel(kernel_name=KERNEL)
        try:
            reply = kc.execute_interactive(
                'import "github.com/golessons/golessons/lessons/procs"\n'
                'import "github.com/golessons/golessons/lessons/tasks"\n'
                'import "time"\n'
                'func nap(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms }\n'
                'p := procs.New(2)\nbusy := p.Submit("nap", 60000)\nidle := procs.New(1)\nidle.Submit("nap", 1).Wait()\n'
                'app, _ := tasks.New("bye")\napp.StartWorker(1)\napp.Task("nap").Delay(60000)\n'
                'time.Sleep(500 * time.Millisecond)', timeout=TIMEOUT)
            self.assertEqual(reply["content"]["status"], "ok", reply["content"])
            pids = [int(d) for d in os.listdir("/proc") if d.isdigit() and self.is_worker(d)]
            self.assertGreaterEqual(len(pids), 3)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        deadline = time.time() + 10
        while time.time() < deadline and any(os.path.exists("/proc/%d" % p) and self.is_worker(str(p)) for p in pids):
            time.sleep(0.05)
        self.assertEqual([p for p in pids if os.path.exists("/proc/%d" % p) and self.is_worker(str(p))], [])

    @staticmethod
    def is_worker(pid):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z" and len(argv) > 1 and argv[1] in (b"procs-worker", b"worker")


class TestReset(KernelCase):
    def test_reset(self):
        self.run_cell("const kept = 1")
        reply, msgs = self.run_cell("%reset")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("nothing is declared", self.stdout(msgs))
        reply, msgs = self.run_cell("%who")
        self.assertEqual(self.stdout(msgs), "Nothing is declared.\n")


class TestShutdown(unittest.TestCase):
    def test_shutdown_reply_on_control(self):
        km, kc = start_new_kernel(kernel_name=KERNEL)
        try:
            msg = kc.session.msg("shutdown_request", {"restart": False})
            kc.control_channel.send(msg)
            reply = kc.get_control_msg(timeout=10)
            self.assertEqual(reply["msg_type"], "shutdown_reply")
            self.assertEqual(reply["parent_header"]["msg_id"], msg["header"]["msg_id"])
            deadline = time.time() + 10
            while km.is_alive() and time.time() < deadline:
                time.sleep(0.05)
            self.assertFalse(km.is_alive())
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


class TestTransports(unittest.TestCase):
    def test_ipc(self):
        import tempfile
        from jupyter_client.manager import KernelManager
        with tempfile.TemporaryDirectory() as d:
            km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=os.path.join(d, "kernel"))
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=30)
                msg_id = kc.execute("6 * 7")
                reply = kc.get_shell_msg(timeout=TIMEOUT)
                self.assertEqual(reply["content"]["status"], "ok")
                while True:
                    m = kc.get_iopub_msg(timeout=TIMEOUT)
                    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_result":
                        self.assertEqual(m["content"]["data"]["text/plain"], "42")
                        break
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)

    def test_unsigned_session(self):
        from jupyter_client.manager import KernelManager
        km = KernelManager(kernel_name=KERNEL)
        km.session.key = b""  # an empty key: messages are not signed
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=30)
            kc.execute("1")
            reply = kc.get_shell_msg(timeout=TIMEOUT)
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertEqual(reply["header"]["msg_type"], "execute_reply")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
