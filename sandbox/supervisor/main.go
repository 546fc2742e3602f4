// Command codepref-supervisor runs untrusted programs inside every codepref sandbox.
//
// Starting a container (or a set of namespaces) per job costs far more than running a
// typical test program, so each sandbox worker keeps one supervisor alive and sends it jobs
// as JSON lines on its stdin; it answers one JSON line per request on stdout. A job is a
// fork + exec in its own session under rlimits and a wall-clock deadline, with stdout and
// stderr captured up to a byte cap. After every job the supervisor kills the job's process
// group and then every other process in its PID namespace (it is PID 1 there), so a child
// that ignores SIGTERM, calls setsid or outlives its parent never survives into the next job.
//
// Clean state: at start the supervisor lists every place a job can write (each read-write
// mount of a file system that holds files, and each directory in one that the job's uid may
// write to, from /proc/self/mountinfo: not a list of known paths) and empties all of them
// before every program and before every test. After compiling, the work dir is sealed: its
// files are held in memory and written back, read-only, before each test, so every test of a
// program starts from the same state with only the build carried over. A build cache (Go's)
// is restored only for the compiler and held in memory in between, never seen by a program.
//
// It is a static Go binary (CGO_ENABLED=0) with no dependency beyond the standard library,
// because it must run in any image: the official JDK and Mono images have no python3, an
// Alpine image has no glibc, and the offline host image has only what is bind-mounted.
//
// Limits: a job's deadline is enforced here (wall clock, moved on while a loaded host
// starves the job of CPU, up to 4x the limit), and its memory and process count
// by the worker's cgroup. The limits that are the same for every job (no core files, a file
// size cap) are set once on the supervisor and inherited. Only where the worker has no cgroup
// does a job need per-job rlimits (address space, processes, CPU time); it is then started
// through the same binary as a shim, "/proc/self/exe --limits CPU AS NPROC -- PROGRAM
// ARGS...", which lowers its rlimits and execs PROGRAM: Go cannot run code between fork and
// exec, and the shim's runtime start (about a millisecond) is paid only on that path.
package main

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	tailBytes = 1 << 16
	// fileSizeLimit caps every file a job writes (RLIMIT_FSIZE, inherited from here).
	fileSizeLimit = 1 << 28
	defaultPath   = "/bin:/usr/bin"
	// drainGrace bounds how long output is still collected after the job ended, when a
	// process that escaped the job's group (outside a PID namespace) keeps the pipes open.
	drainGrace    = 20 * time.Millisecond
	prSetDumpable = 4
	// starvedWallFactor caps how far past its time limit (in wall time) a job that got
	// under half of its CPU time may run: a loaded host must not turn a correct, slow
	// program into a TIMEOUT, nor a sleeping one run for ever.
	starvedWallFactor = 4
	// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux ABI.
	clockTicks = 100
	// RLIMIT_NPROC is missing from package syscall; 6 on every Linux architecture but
	// alpha, mips and sparc.
	rlimitNproc = 6
)

// pseudoFilesystems hold no files a job could leave behind (or are the kernel's own).
var pseudoFilesystems = map[string]bool{
	"proc": true, "sysfs": true, "cgroup": true, "cgroup2": true, "devpts": true,
	"securityfs": true, "debugfs": true, "tracefs": true, "pstore": true, "bpf": true,
	"configfs": true, "fusectl": true, "binfmt_misc": true, "autofs": true, "nsfs": true,
}

// scanLimit bounds the search for job-writable directories inside a read-write mount whose
// own root the job cannot write (a host root file system has a 1777 /var/tmp).
const scanLimit = 20000

var errScanLimit = errors.New("scan limit reached")

var callgrindTotal = regexp.MustCompile(`Collected\s*:\s*(\d+)`)

// request is one line of the protocol; which fields matter depends on Op.
type request struct {
	Op                string            `json:"op"`
	Dir               string            `json:"dir"`
	Files             map[string]string `json:"files"`
	Argv              []string          `json:"argv"`
	Env               map[string]string `json:"env"`
	Stdin             string            `json:"stdin"`
	TimeS             float64           `json:"time_s"`
	OutputBytes       int64             `json:"output_bytes"`
	AddressSpaceBytes int64             `json:"address_space_bytes"`
	Nproc             int64             `json:"nproc"`
	CountInstructions bool              `json:"count_instructions"`
	// Fresh: empty every writable place and write the sealed work dir back first.
	Fresh bool `json:"fresh"`
	// Cache: a build cache directory restored for this exec and collected after it.
	Cache string `json:"cache"`
	// Blobs: binary files (a cached build) written with their mode next to Files; for
	// "hold", the files of the build cache Dir ("held" answers them).
	Blobs map[string]blob `json:"blobs"`
	// Return: a seal answers with the sealed files, for the sandbox's compile cache.
	Return bool `json:"return"`
	// Ask: send these arguments to a warm compiler (a server started with Argv in Dir, kept
	// between requests) instead of starting Argv; see ask.
	Ask []string `json:"ask"`
}

// blob is a file on the wire: JSON carries its bytes as base64.
type blob struct {
	Mode uint32 `json:"mode"`
	Data []byte `json:"data"`
}

// execResult is the answer to an "exec" request.
type execResult struct {
	ExitCode      int     `json:"exit_code"`
	TimedOut      bool    `json:"timed_out"`
	OutputLimited bool    `json:"output_limited"`
	WallS         float64 `json:"wall_s"`
	CPUS          float64 `json:"cpu_s"`
	MaxRSSKB      int64   `json:"maxrss_kb"`
	Stdout        string  `json:"stdout"`
	Stderr        string  `json:"stderr"`
	Instructions  *int64  `json:"instructions,omitempty"`
}

// file is one file of a sealed work dir or of a build cache, held in memory.
type file struct {
	mode os.FileMode
	data []byte
}

type supervisor struct {
	root         string
	runUID       int
	jobUID       int
	ownNamespace bool
	// writable are the directories a job can write into; emptied before every job.
	writable []string
	// sealed is the work dir after compilation (relative path -> file); nil before.
	sealed map[string]file
	// ran says a process ran since the work dir was written or restored: only then does
	// a fresh exec need to wipe and restore (an interpreted program's first test does not).
	ran bool
	// caches holds build caches by path (restored for compilations only).
	caches map[string]map[string]file
	// children receives SIGCHLD: a job (or anything left in our namespace) ended.
	children chan os.Signal
	// server is the warm compiler of a compile worker (one that never runs programs).
	server *server
}

// server is a long-lived compiler process: requests are lines on its stdin, answers are
// "EXIT LENGTH\n" plus LENGTH bytes of diagnostics on its stdout.
type server struct {
	pid    int
	argv   []string
	dir    string
	stdin  *os.File
	stdout *os.File
	reader *bufio.Reader
}

func (s *supervisor) handle(req *request) (any, error) {
	switch req.Op {
	case "ping":
		return map[string]any{"pid": os.Getpid(), "namespace": s.ownNamespace}, nil
	case "write":
		return s.write(req.Dir, req.Files, req.Blobs)
	case "exec":
		return s.execute(req)
	case "seal":
		return s.seal(req.Dir, req.Return)
	case "writable":
		return map[string]any{"dirs": s.writable}, nil
	case "hold":
		return s.hold(req.Dir, req.Blobs)
	case "held":
		return s.held(req.Dir)
	}
	return nil, fmt.Errorf("unknown op %q", req.Op)
}

func (s *supervisor) workdir(name string) (string, error) {
	if name == "" || strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return "", fmt.Errorf("bad work dir name %q", name)
	}
	return filepath.Join(s.root, name), nil
}

// findWritable lists the directories a job running as uid can write into: the root of each
// read-write mount of a real file system when the job may write there, else every such
// directory inside it (searched without crossing into other mounts).
func findWritable(uid int) []string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var found []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		dash := -1
		for i, field := range fields {
			if field == "-" {
				dash = i
				break
			}
		}
		if dash < 6 || dash+1 >= len(fields) {
			continue
		}
		point, options, fstype := unescapeMount(fields[4]), fields[5], fields[dash+1]
		if pseudoFilesystems[fstype] || !hasOption(options, "rw") || seen[point] {
			continue
		}
		seen[point] = true
		info, err := os.Stat(point)
		if err != nil || !info.IsDir() {
			continue // a file bind-mounted (resolv.conf): the job cannot create entries
		}
		if writableBy(info, uid) {
			found = append(found, point)
			continue
		}
		found = append(found, writableInside(point, info, uid)...)
	}
	return found
}

func unescapeMount(field string) string {
	return strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(field)
}

func hasOption(options, name string) bool {
	for _, option := range strings.Split(options, ",") {
		if option == name {
			return true
		}
	}
	return false
}

// writableBy says whether uid may create entries in a directory (owner or other write
// bit; the job has no supplementary groups and its gid equals its uid).
func writableBy(info os.FileInfo, uid int) bool {
	stat, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	mode := info.Mode().Perm()
	switch {
	case int(stat.Uid) == uid:
		return mode&0o200 != 0
	case int(stat.Gid) == uid:
		return mode&0o020 != 0
	}
	return mode&0o002 != 0
}

func writableInside(point string, top os.FileInfo, uid int) []string {
	device := top.Sys().(*syscall.Stat_t).Dev
	var found []string
	visited := 0
	_ = filepath.WalkDir(point, func(path string, entry os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if visited++; visited > scanLimit {
			return errScanLimit
		}
		if !entry.IsDir() || path == point {
			return nil
		}
		info, err := entry.Info()
		if err != nil || info.Sys().(*syscall.Stat_t).Dev != device {
			return filepath.SkipDir
		}
		if writableBy(info, uid) {
			found = append(found, path)
			return filepath.SkipDir
		}
		return nil
	})
	return found
}

// wipe empties every place a job can write, so nothing an earlier job (or test) planted
// there — a file, a fifo, a copy of itself — is seen by the next one.
func (s *supervisor) wipe() {
	if s.ownNamespace {
		removeIPC()
	}
	for _, dir := range s.writable {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, entry := range entries {
			path := filepath.Join(dir, entry.Name())
			if s.server != nil && path == s.server.dir {
				// The warm compiler's working directory: emptied, but kept, since the
				// process resolves relative paths against it.
				inner, _ := os.ReadDir(path)
				for _, item := range inner {
					_ = os.RemoveAll(filepath.Join(path, item.Name()))
				}
				continue
			}
			_ = os.RemoveAll(path)
		}
	}
}

// sysvObjects names each System V IPC kind, its /proc table and its control system call.
var sysvObjects = []struct {
	table   string
	control uintptr
}{
	{"/proc/sysvipc/shm", syscall.SYS_SHMCTL},
	{"/proc/sysvipc/sem", syscall.SYS_SEMCTL},
	{"/proc/sysvipc/msg", syscall.SYS_MSGCTL},
}

// removeIPC removes every System V IPC object of the worker's private IPC namespace: they
// outlive their creator like files do.
func removeIPC() {
	const ipcRmid = 0
	for _, kind := range sysvObjects {
		data, err := os.ReadFile(kind.table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			id, err := strconv.Atoi(fields[1])
			if err != nil {
				continue
			}
			if kind.control == syscall.SYS_SEMCTL {
				_, _, _ = syscall.Syscall6(kind.control, uintptr(id), 0, ipcRmid, 0, 0, 0)
			} else {
				_, _, _ = syscall.Syscall(kind.control, uintptr(id), ipcRmid, 0)
			}
		}
	}
}

// seal holds the work dir after compilation in memory: each test starts from it. With
// giveBack it also answers with those files, before any program has run.
func (s *supervisor) seal(name string, giveBack bool) (any, error) {
	workdir, err := s.workdir(name)
	if err != nil {
		return nil, err
	}
	files, err := collect(workdir, nil)
	if err != nil {
		return nil, err
	}
	s.sealed = files
	if !s.ran {
		// Nothing ran since the files were written: they are the sealed state once they
		// are read-only (and the supervisor's, where it is not the job's uid).
		for relative, content := range files {
			path := filepath.Join(workdir, relative)
			if err := os.Chmod(path, content.mode&^0o222); err != nil {
				return nil, err
			}
			if s.runUID >= 0 {
				if err := os.Lchown(path, os.Getuid(), os.Getgid()); err != nil {
					return nil, err
				}
			}
		}
		if err := os.Chmod(workdir, 0o755); err != nil {
			return nil, err
		}
	}
	if giveBack {
		sealed := make(map[string]blob, len(files))
		for relative, content := range files {
			sealed[relative] = blob{Mode: uint32(content.mode), Data: content.data}
		}
		return map[string]any{"files": len(files), "sealed": sealed}, nil
	}
	return map[string]any{"files": len(files)}, nil
}

// collect reads the regular files under dir (those not in known already).
func collect(dir string, known map[string]file) (map[string]file, error) {
	files := map[string]file{}
	err := filepath.WalkDir(dir, func(path string, entry os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !entry.Type().IsRegular() {
			return nil
		}
		relative, _ := filepath.Rel(dir, path)
		if _, ok := known[relative]; ok {
			return nil
		}
		info, err := entry.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[relative] = file{mode: info.Mode().Perm(), data: data}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return files, nil
	}
	return files, err
}

// restore writes files under dir; with readOnly they lose every write bit and stay owned
// by the supervisor, else they belong to the job's uid.
func (s *supervisor) restore(dir string, files map[string]file, readOnly bool) error {
	if err := s.mkdirForJob(dir); err != nil {
		return err
	}
	for relative, content := range files {
		path := filepath.Join(dir, relative)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		mode := content.mode
		if readOnly {
			mode &^= 0o222
		}
		if err := os.WriteFile(path, content.data, mode|0o200); err != nil {
			return err
		}
		if err := os.Chmod(path, mode); err != nil {
			return err
		}
	}
	if readOnly {
		return nil
	}
	return s.chownForJob(dir)
}

func (s *supervisor) mkdirForJob(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if s.runUID >= 0 {
		return os.Lchown(dir, s.runUID, s.runUID)
	}
	return nil
}

func (s *supervisor) chownForJob(dir string) error {
	if s.runUID < 0 {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, s.runUID, s.runUID)
	})
}

func (s *supervisor) write(name string, files map[string]string, blobs map[string]blob) (any, error) {
	workdir, err := s.workdir(name)
	if err != nil {
		return nil, err
	}
	s.wipe()
	s.sealed = nil
	s.ran = false
	if err := os.Mkdir(workdir, 0o700); err != nil && !(s.server != nil && workdir == s.server.dir) {
		return nil, err
	}
	for relative, content := range files {
		path := filepath.Join(workdir, relative)
		if !strings.HasPrefix(path, workdir+string(os.PathSeparator)) {
			return nil, fmt.Errorf("file %q escapes the work dir", relative)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	for relative, content := range blobs {
		path := filepath.Join(workdir, relative)
		if !strings.HasPrefix(path, workdir+string(os.PathSeparator)) {
			return nil, fmt.Errorf("file %q escapes the work dir", relative)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		mode := os.FileMode(content.Mode).Perm() | 0o200
		if err := os.WriteFile(path, content.Data, mode); err != nil {
			return nil, err
		}
		if err := os.Chmod(path, mode); err != nil {
			return nil, err
		}
	}
	if err := s.chownForJob(workdir); err != nil {
		return nil, err
	}
	return map[string]any{"dir": workdir}, nil
}

// lookPath finds a command on the job's PATH (not the supervisor's), as the shell would.
func lookPath(name, path string) string {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		candidate := filepath.Join(dir, name)
		info, err := os.Stat(candidate)
		if err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			return candidate
		}
	}
	return ""
}

func (s *supervisor) execute(req *request) (any, error) {
	workdir, err := s.workdir(req.Dir)
	if err != nil {
		return nil, err
	}
	if len(req.Argv) == 0 {
		return nil, errors.New("exec needs a non-empty argv")
	}
	if req.Fresh && s.sealed == nil {
		return nil, errors.New("a fresh exec needs a sealed work dir")
	}
	if req.Fresh && s.ran {
		s.wipe()
		if err := s.restore(workdir, s.sealed, true); err != nil {
			return nil, err
		}
		if err := os.Chmod(workdir, 0o755); err != nil {
			return nil, err
		}
	}
	if req.Cache != "" {
		if !filepath.IsAbs(req.Cache) {
			return nil, fmt.Errorf("cache %q is not an absolute path", req.Cache)
		}
		if err := s.restore(req.Cache, s.caches[req.Cache], false); err != nil {
			return nil, err
		}
		defer s.keepCache(req.Cache)
	}
	argv := append([]string(nil), req.Argv...)
	callgrindLog := ""
	if req.CountInstructions {
		callgrindLog = filepath.Join(workdir, ".callgrind.log")
		argv = append([]string{
			"valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
			"--log-file=" + callgrindLog,
		}, argv...)
	}
	program := resolve(argv[0], workdir, req.Env)
	if program == "" {
		return &execResult{ExitCode: 127, Stderr: "sandbox: " + argv[0] + ": command not found"}, nil
	}
	argv[0] = program
	if req.Ask != nil {
		return s.ask(workdir, argv, req)
	}

	stdin, err := s.stdinFile(req.Stdin)
	if err != nil {
		return nil, err
	}
	defer stdin.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	executable, args := program, argv
	if req.AddressSpaceBytes > 0 || req.Nproc > 0 {
		executable = "/proc/self/exe"
		args = append([]string{
			"codepref-supervisor", "--limits",
			strconv.FormatInt(int64(req.TimeS)+1, 10),
			strconv.FormatInt(req.AddressSpaceBytes, 10),
			strconv.FormatInt(s.nprocLimit(req.Nproc), 10),
			"--",
		}, argv...)
	}
	attr := &syscall.ProcAttr{
		Dir:   workdir,
		Env:   environment(req.Env),
		Files: []uintptr{stdin.Fd(), outW.Fd(), errW.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	}
	if s.runUID >= 0 {
		id := uint32(s.runUID)
		attr.Sys.Credential = &syscall.Credential{Uid: id, Gid: id, Groups: []uint32{}}
	}
	started := time.Now()
	s.ran = true
	pid, err := syscall.ForkExec(executable, args, attr)
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return &execResult{
			ExitCode: 127,
			Stderr:   fmt.Sprintf("sandbox: cannot start %s: %v", argv[0], err),
		}, nil
	}
	result := s.watch(pid, started, outR, errR, req)
	if callgrindLog != "" {
		result.Instructions = countedInstructions(callgrindLog)
	}
	return result, nil
}

// ask sends one compile to the warm compiler, starting it first when there is none (or it
// was started with other arguments). A compile past its deadline kills the compiler (the
// next request starts a new one) and is reported like a timed-out job; a compiler that
// dies without answering is an error, so the sandbox retries on a fresh worker.
func (s *supervisor) ask(workdir string, argv []string, req *request) (*execResult, error) {
	if s.server != nil && (s.server.dir != workdir || strings.Join(s.server.argv, "\x00") != strings.Join(argv, "\x00")) {
		s.stopServer()
	}
	if s.server == nil {
		if err := s.startServer(workdir, argv, req.Env); err != nil {
			return nil, err
		}
	}
	for _, arg := range req.Ask {
		if strings.ContainsAny(arg, "\x00\n") {
			return nil, fmt.Errorf("compiler argument %q holds a NUL or a newline", arg)
		}
	}
	srv := s.server
	started := time.Now()
	cpuBefore := jobCPU(srv.pid)
	s.ran = true
	type answer struct {
		exit int
		text []byte
		err  error
	}
	answers := make(chan answer, 1)
	go func() {
		var a answer
		if _, a.err = srv.stdin.Write([]byte(strings.Join(req.Ask, "\x00") + "\n")); a.err != nil {
			answers <- a
			return
		}
		var head string
		if head, a.err = srv.reader.ReadString('\n'); a.err != nil {
			answers <- a
			return
		}
		var length int
		if _, a.err = fmt.Sscanf(head, "%d %d", &a.exit, &length); a.err == nil {
			a.text = make([]byte, length)
			_, a.err = io.ReadFull(srv.reader, a.text)
		}
		answers <- a
	}()
	limit := time.Duration(req.TimeS * float64(time.Second))
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		select {
		case a := <-answers:
			if a.err != nil {
				s.stopServer()
				return nil, fmt.Errorf("the warm compiler broke: %v", a.err)
			}
			text := a.text
			if int64(len(text)) > req.OutputBytes {
				text = text[len(text)-int(req.OutputBytes):]
			}
			return &execResult{
				ExitCode: a.exit,
				WallS:    time.Since(started).Seconds(),
				CPUS:     (jobCPU(srv.pid) - cpuBefore).Seconds(),
				Stderr:   string(text),
			}, nil
		case <-deadline.C:
			used := jobCPU(srv.pid) - cpuBefore
			elapsed := time.Since(started)
			if used < limit/2 && elapsed < starvedWallFactor*limit {
				deadline.Reset(minDuration(limit-used, starvedWallFactor*limit-elapsed))
				continue
			}
			s.stopServer()
			return &execResult{ExitCode: -int(syscall.SIGKILL), TimedOut: true, WallS: elapsed.Seconds(), CPUS: used.Seconds()}, nil
		}
	}
}

func (s *supervisor) startServer(workdir string, argv []string, env map[string]string) error {
	inR, inW, err := os.Pipe()
	if err != nil {
		return err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return err
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	attr := &syscall.ProcAttr{
		Dir:   workdir,
		Env:   environment(env),
		Files: []uintptr{inR.Fd(), outW.Fd(), devnull.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	}
	if s.runUID >= 0 {
		id := uint32(s.runUID)
		attr.Sys.Credential = &syscall.Credential{Uid: id, Gid: id, Groups: []uint32{}}
	}
	pid, err := syscall.ForkExec(argv[0], argv, attr)
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return fmt.Errorf("cannot start the warm compiler %s: %v", argv[0], err)
	}
	s.server = &server{
		pid: pid, argv: argv, dir: workdir, stdin: inW, stdout: outR,
		reader: bufio.NewReaderSize(outR, 1<<16),
	}
	return nil
}

// stopServer kills the warm compiler and everything it started, and reaps it.
func (s *supervisor) stopServer() {
	if s.server == nil {
		return
	}
	_ = syscall.Kill(-s.server.pid, syscall.SIGKILL)
	_, _ = reap(s.server.pid, true)
	s.server.stdin.Close()
	s.server.stdout.Close()
	s.server = nil
}

// hold makes files the sandbox made (a precompiled header) a build cache of their own: held
// in memory like one and restored, as the job's, for the compilations that name dir. Their
// bytes come zlib-compressed: a PCH is tens of megabytes that compress about sixfold.
func (s *supervisor) hold(dir string, blobs map[string]blob) (any, error) {
	if !filepath.IsAbs(dir) || filepath.Clean(dir) != dir {
		return nil, fmt.Errorf("cache %q is not a clean absolute path", dir)
	}
	held := map[string]file{}
	for relative, content := range blobs {
		if relative == "" || filepath.IsAbs(relative) || strings.HasPrefix(filepath.Clean(relative), "..") {
			return nil, fmt.Errorf("file %q escapes the cache", relative)
		}
		inflater, err := zlib.NewReader(bytes.NewReader(content.Data))
		if err != nil {
			return nil, fmt.Errorf("file %q: %v", relative, err)
		}
		data, err := io.ReadAll(inflater)
		if err != nil {
			return nil, fmt.Errorf("file %q: %v", relative, err)
		}
		held[relative] = file{mode: os.FileMode(content.Mode).Perm(), data: data}
	}
	s.caches[dir] = held
	return map[string]any{"dir": dir}, nil
}

// held answers the files of the build cache dir as this supervisor holds it, zlib-compressed
// as hold takes them: the sandbox keeps a build cache seeded by its own program (never a
// job's) across runs, and hands it to the next workers with hold.
func (s *supervisor) held(dir string) (any, error) {
	files, ok := s.caches[dir]
	if !ok {
		return nil, fmt.Errorf("no build cache %q is held", dir)
	}
	blobs := map[string]blob{}
	for relative, content := range files {
		var packed bytes.Buffer
		deflater, err := zlib.NewWriterLevel(&packed, zlib.BestSpeed)
		if err != nil {
			return nil, err
		}
		if _, err := deflater.Write(content.data); err != nil {
			return nil, err
		}
		if err := deflater.Close(); err != nil {
			return nil, err
		}
		blobs[relative] = blob{Mode: uint32(content.mode), Data: packed.Bytes()}
	}
	return map[string]any{"blobs": blobs}, nil
}

// keepCache adds what the compiler put in a build cache to the copy in memory; the files on
// disk go with the next wipe, before any program runs.
func (s *supervisor) keepCache(dir string) {
	known := s.caches[dir]
	if known == nil {
		known = map[string]file{}
		s.caches[dir] = known
	}
	added, err := collect(dir, known)
	if err != nil {
		return
	}
	for relative, content := range added {
		known[relative] = content
	}
}

// resolve finds the file a job's argv[0] names: relative paths in the work dir, bare names
// on the job's PATH; "" when there is none.
func resolve(name, workdir string, env map[string]string) string {
	switch {
	case filepath.IsAbs(name):
		return name
	case strings.Contains(name, "/"):
		return filepath.Join(workdir, name)
	}
	path, ok := env["PATH"]
	if !ok {
		path = defaultPath
	}
	return lookPath(name, path)
}

// nprocLimit is the RLIMIT_NPROC that leaves a job nproc processes: the limit counts every
// task of the job's uid, so when the supervisor shares that uid (Docker) its own threads,
// plus a few it may start meanwhile, are added. The uid is the worker's own, so no other
// sandbox's jobs count.
func (s *supervisor) nprocLimit(nproc int64) int64 {
	if nproc <= 0 || s.jobUID != os.Getuid() {
		return nproc
	}
	return nproc + int64(ownThreads()) + 8
}

func ownThreads() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "Threads:") {
			count, _ := strconv.Atoi(strings.TrimSpace(line[len("Threads:"):]))
			return count
		}
	}
	return 0
}

// countedInstructions reads the total that callgrind logged, or nil when it logged none.
func countedInstructions(log string) *int64 {
	data, err := os.ReadFile(log)
	if err != nil {
		return nil
	}
	found := callgrindTotal.FindSubmatch(data)
	if found == nil {
		return nil
	}
	count, err := strconv.ParseInt(string(found[1]), 10, 64)
	if err != nil {
		return nil
	}
	return &count
}

// stdinFile holds the job's stdin in an unlinked file, so a job can seek it and reads it
// at its own pace.
func (s *supervisor) stdinFile(data string) (*os.File, error) {
	file, err := os.CreateTemp(s.root, ".stdin-")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(file.Name())
	if _, err := io.WriteString(file, data); err != nil {
		file.Close()
		return nil, err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

func environment(env map[string]string) []string {
	pairs := make([]string, 0, len(env))
	for key, value := range env {
		pairs = append(pairs, key+"="+value)
	}
	return pairs
}

// capture collects a job's stdout and stderr and signals once together they pass the cap.
type capture struct {
	mu      sync.Mutex
	buffers [2][]byte
	limit   int64
	over    chan struct{}
	once    sync.Once
}

func (c *capture) read(stream int, pipe *os.File, done *sync.WaitGroup) {
	defer done.Done()
	chunk := make([]byte, 1<<16)
	for {
		n, err := pipe.Read(chunk)
		if n > 0 {
			c.mu.Lock()
			c.buffers[stream] = append(c.buffers[stream], chunk[:n]...)
			total := int64(len(c.buffers[0]) + len(c.buffers[1]))
			c.mu.Unlock()
			if total > c.limit {
				c.once.Do(func() { close(c.over) })
				return
			}
		}
		if err != nil {
			return
		}
	}
}

type waited struct {
	status syscall.WaitStatus
	usage  syscall.Rusage
	at     time.Time
}

// reap collects the job if it has ended; with block, waits for it (it is being killed).
func reap(pid int, block bool) (waited, bool) {
	var w waited
	options := syscall.WNOHANG
	if block {
		options = 0
	}
	for {
		got, err := syscall.Wait4(pid, &w.status, options, &w.usage)
		if err == syscall.EINTR {
			continue
		}
		w.at = time.Now()
		return w, err == nil && got == pid
	}
}

// jobCPU is the CPU time the job's process has used (its waited-for children included).
func jobCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	text := string(data)
	fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
	// After the command: state is field 3, utime..cstime are fields 14-17 (1-based).
	if len(fields) < 15 {
		return 0
	}
	var ticks int64
	for _, field := range fields[11:15] {
		value, _ := strconv.ParseInt(field, 10, 64)
		ticks += value
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// watch waits for the job to end, its deadline or its output cap, whichever comes first.
// The job's end arrives as SIGCHLD rather than through a goroutine blocked in wait4: a
// blocked system call keeps the Go runtime's monitor thread polling every few microseconds
// for as long as the job runs.
func (s *supervisor) watch(pid int, started time.Time, outR, errR *os.File, req *request) *execResult {
	out := &capture{limit: req.OutputBytes, over: make(chan struct{})}
	var readers sync.WaitGroup
	readers.Add(2)
	go out.read(0, outR, &readers)
	go out.read(1, errR, &readers)

	deadline := time.NewTimer(time.Duration(req.TimeS * float64(time.Second)))
	defer deadline.Stop()
	timedOut, outputLimited := false, false
	end, ended := reap(pid, false)
	for !ended && !timedOut && !outputLimited {
		select {
		case <-s.children:
			end, ended = reap(pid, false)
		case <-deadline.C:
			// A job starved of CPU by a loaded machine has not had its time: the deadline
			// moves on by what it has not used, up to starvedWallFactor x the limit.
			limit := time.Duration(req.TimeS * float64(time.Second))
			used := jobCPU(pid)
			elapsed := time.Since(started)
			if used < limit/2 && elapsed < starvedWallFactor*limit {
				deadline.Reset(minDuration(limit-used, starvedWallFactor*limit-elapsed))
				continue
			}
			timedOut = true
		case <-out.over:
			outputLimited = true
		}
	}
	if !ended {
		stopped := time.Now()
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		end, _ = reap(pid, true)
		end.at = stopped
	}
	s.sweep(pid)
	// Whatever the job wrote before it ended: grandchildren that escaped the group may hold
	// the pipes open, so take what arrives now and never wait for their end-of-file.
	_ = outR.SetReadDeadline(time.Now().Add(drainGrace))
	_ = errR.SetReadDeadline(time.Now().Add(drainGrace))
	readers.Wait()
	outR.Close()
	errR.Close()

	out.mu.Lock()
	defer out.mu.Unlock()
	stdout, stderr := out.buffers[0], out.buffers[1]
	if int64(len(stdout)+len(stderr)) > req.OutputBytes {
		outputLimited = true
	}
	if int64(len(stdout)) > req.OutputBytes {
		stdout = stdout[:req.OutputBytes]
	}
	if len(stderr) > tailBytes {
		stderr = stderr[len(stderr)-tailBytes:]
	}
	return &execResult{
		ExitCode:      exitCode(end.status),
		TimedOut:      timedOut,
		OutputLimited: outputLimited,
		WallS:         end.at.Sub(started).Seconds(),
		CPUS:          seconds(end.usage.Utime) + seconds(end.usage.Stime),
		MaxRSSKB:      end.usage.Maxrss,
		Stdout:        string(stdout),
		Stderr:        string(stderr),
	}
}

// exitCode follows Python's os.waitstatus_to_exitcode: the exit status, or minus the
// signal that killed the process.
func exitCode(status syscall.WaitStatus) int {
	if status.Signaled() {
		return -int(status.Signal())
	}
	return status.ExitStatus()
}

func seconds(t syscall.Timeval) float64 {
	return float64(t.Sec) + float64(t.Usec)/1e6
}

// sweep kills what the job left behind: its group, and in our own PID namespace every
// process but us (daemons that called setsid, children that outlived the job). As the
// namespace's init, kill(-1) reaches all of them in one call and fails with ESRCH once none
// is left; orphans are ours to reap.
func (s *supervisor) sweep(pid int) {
	if s.ownNamespace && s.server != nil {
		s.stopServer() // kill(-1) below would take it anyway
	}
	if pid > 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
	if !s.ownNamespace {
		return
	}
	for attempt := 0; attempt < 200; attempt++ {
		err := syscall.Kill(-1, syscall.SIGKILL)
		reapAll()
		if err == syscall.ESRCH {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func reapAll() {
	for {
		var status syscall.WaitStatus
		waitedPid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || waitedPid <= 0 {
			return
		}
	}
}

// rlimitSetting is one limit the shim applies before it execs the program.
type rlimitSetting struct {
	resource int
	soft     uint64
	hard     uint64
}

// execLimited is the job side of the shim: lower the rlimits, then become the program.
func execLimited(args []string) {
	fail := func(err error) {
		fmt.Fprintf(os.Stderr, "sandbox: cannot start %s: %v\n", args[len(args)-1], err)
		os.Exit(127)
	}
	if len(args) < 5 || args[3] != "--" {
		fail(errors.New("usage: --limits CPU AS NPROC -- PROGRAM ARGS..."))
	}
	values := make([]uint64, 3)
	for i := range values {
		value, err := strconv.ParseUint(args[i], 10, 64)
		if err != nil {
			fail(err)
		}
		values[i] = value
	}
	argv := args[4:]
	limits := []rlimitSetting{{syscall.RLIMIT_CPU, values[0], values[0] + 1}}
	if values[1] > 0 {
		limits = append(limits, rlimitSetting{syscall.RLIMIT_AS, values[1], values[1]})
	}
	if values[2] > 0 {
		limits = append(limits, rlimitSetting{rlimitNproc, values[2], values[2]})
	}
	for _, limit := range limits {
		if err := lowerLimit(limit); err != nil {
			fail(err)
		}
	}
	fail(syscall.Exec(argv[0], argv, os.Environ()))
}

// lowerLimit sets a limit, never above the current hard limit: an unprivileged process may
// only lower its limits.
func lowerLimit(limit rlimitSetting) error {
	var current syscall.Rlimit
	if err := syscall.Getrlimit(limit.resource, &current); err != nil {
		return err
	}
	wanted := syscall.Rlimit{Cur: limit.soft, Max: limit.hard}
	if wanted.Max > current.Max {
		wanted.Max = current.Max
	}
	if wanted.Cur > wanted.Max {
		wanted.Cur = wanted.Max
	}
	return syscall.Setrlimit(limit.resource, &wanted)
}

// makeUndumpable puts /proc/<supervisor>/fd and /mem out of reach of jobs running as our
// own uid, so a job cannot write forged answers into the supervisor's stdout.
func makeUndumpable() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0)
}

// closeInheritedOnExec keeps descriptors the supervisor inherited (beyond stdio) out of
// every job: Go marks its own descriptors close-on-exec, not those it was started with.
func closeInheritedOnExec() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, entry := range entries {
		if fd, err := strconv.Atoi(entry.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

func serve(s *supervisor, in io.Reader, out io.Writer) {
	reader := bufio.NewReaderSize(in, 1<<20)
	for {
		line, readErr := reader.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var answer any
			var req request
			err := json.Unmarshal(line, &req)
			if err == nil {
				answer, err = s.handle(&req)
			}
			if err != nil {
				answer = map[string]string{"error": err.Error()}
			}
			encoded, _ := json.Marshal(answer)
			if _, err := out.Write(append(encoded, '\n')); err != nil {
				return
			}
		}
		if readErr != nil {
			return
		}
	}
}

func main() {
	// One job at a time: more processors only make idle scheduler threads spin while a job
	// runs, which measured as about half of the supervisor's CPU time per job.
	runtime.GOMAXPROCS(1)
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--limits" {
		execLimited(args[1:])
	}
	// --connect SOCKET: talk over a Unix socket that the sandbox listens on (the Docker
	// backend, so requests do not travel through the engine); else over stdin/stdout.
	var in io.Reader = os.Stdin
	var out io.Writer = os.Stdout
	if len(args) > 1 && args[0] == "--connect" {
		conn, err := net.Dial("unix", args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "codepref-supervisor: %v\n", err)
			os.Exit(2)
		}
		in, out = conn, conn
		args = args[2:]
	}
	root := "/tmp"
	if len(args) > 0 {
		root = args[0]
	}
	runUID := -1
	if value, ok := os.LookupEnv("CODEPREF_RUN_UID"); ok {
		parsed, err := strconv.Atoi(value)
		if err != nil {
			fmt.Fprintf(os.Stderr, "codepref-supervisor: bad CODEPREF_RUN_UID %q\n", value)
			os.Exit(2)
		}
		runUID = parsed
	}
	makeUndumpable()
	closeInheritedOnExec()
	for _, limit := range []rlimitSetting{
		{syscall.RLIMIT_CORE, 0, 0},
		{syscall.RLIMIT_FSIZE, fileSizeLimit, fileSizeLimit},
	} {
		if err := lowerLimit(limit); err != nil {
			fmt.Fprintf(os.Stderr, "codepref-supervisor: cannot set rlimit: %v\n", err)
			os.Exit(2)
		}
	}
	jobUID := runUID
	if jobUID < 0 {
		jobUID = os.Getuid()
	}
	s := &supervisor{
		root:         root,
		runUID:       runUID,
		jobUID:       jobUID,
		ownNamespace: os.Getpid() == 1,
		writable:     []string{root},
		caches:       map[string]map[string]file{},
		children:     make(chan os.Signal, 1),
	}
	if s.ownNamespace {
		// Only in a namespace of its own (a container, or unshare) is every writable place
		// the job's alone; bare on a host they are the user's, and only the root is wiped.
		s.writable = findWritable(jobUID)
	}
	signal.Notify(s.children, syscall.SIGCHLD)
	serve(s, in, out)
	s.sweep(-1)
}
