package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pushsim/pushsim/harness"
)

// execTarget is a dispatcher process pushsim started for the run.
type execTarget struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // the process's exit, once done is closed
	log  *tailBuffer
	dir  string
}

// startExec starts `sh -c COMMAND` with the driver environment and waits
// until it answers GET /v1/health:
//
//	PUSHSIM_DRIVER_ADDR    host:port the dispatcher must listen on
//	PUSHSIM_DRIVER_URL     http://PUSHSIM_DRIVER_ADDR
//	PUSHSIM_CERTS          path of the certificates file (dispatcher format)
//	PUSHSIM_DRIVER_CONFIG  URL of the driver configuration (JSON)
//	PUSHSIM_URL            the emulators' root
//
// Its output goes to --out/target.log (and the last lines into the error
// when it does not come up).
func startExec(ctx context.Context, stderr io.Writer, o runOptions, plan *harness.Plan, emuURL string) (*execTarget, string, error) {
	command := strings.TrimSpace(strings.TrimPrefix(o.target, "exec:"))
	dir, err := os.MkdirTemp("", "pushsim-target-")
	if err != nil {
		return nil, "", err
	}
	certs, err := plan.CertificatesFile()
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	certsPath := filepath.Join(dir, "certificates.json")
	if err := os.WriteFile(certsPath, certs, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	addr, err := freeAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	driverURL := "http://" + addr
	logFile, err := os.Create(filepath.Join(o.out, "target.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("target log: %w", err)
	}
	t := &execTarget{done: make(chan struct{}), log: &tailBuffer{max: 8 << 10}, dir: dir}
	out := io.MultiWriter(logFile, t.log)
	t.cmd = exec.Command("sh", "-c", command)
	t.cmd.Env = append(os.Environ(),
		"PUSHSIM_DRIVER_ADDR="+addr,
		"PUSHSIM_DRIVER_URL="+driverURL,
		"PUSHSIM_CERTS="+certsPath,
		"PUSHSIM_DRIVER_CONFIG="+emuURL+"/_pushsim/driver/config",
		"PUSHSIM_URL="+emuURL,
	)
	t.cmd.Stdout, t.cmd.Stderr = out, out
	setProcessGroup(t.cmd)
	if err := t.cmd.Start(); err != nil {
		logFile.Close()
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("--target exec: %w", err)
	}
	fmt.Fprintf(stderr, "pushsim: started target (pid %d): %s\n", t.cmd.Process.Pid, command)
	go func() {
		t.err = t.cmd.Wait()
		logFile.Close()
		close(t.done)
	}()

	deadline := time.Now().Add(o.targetTimeout)
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, driverURL+"/v1/health", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return t, driverURL, nil
			}
		}
		select {
		case <-t.done:
			t.stop()
			return nil, "", fmt.Errorf("--target exec: the command ended (%v) before answering GET %s/v1/health; its last output:\n%s", t.err, driverURL, t.log.String())
		case <-ctx.Done():
			t.stop()
			return nil, "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.stop()
			return nil, "", fmt.Errorf("--target exec: no answer to GET %s/v1/health within %s; its last output:\n%s", driverURL, o.targetTimeout, t.log.String())
		}
	}
}

// stop ends the process group: SIGTERM, then SIGKILL after 5s.
func (t *execTarget) stop() error {
	defer os.RemoveAll(t.dir)
	select {
	case <-t.done:
		return nil
	default:
	}
	terminate(t.cmd)
	select {
	case <-t.done:
		return nil
	case <-time.After(5 * time.Second):
	}
	kill(t.cmd)
	select {
	case <-t.done:
		return errors.New("the target did not stop on SIGTERM within 5s; killed")
	case <-time.After(5 * time.Second):
		return errors.New("the target did not stop, even killed")
	}
}

// freeAddr picks a free loopback port for the target to listen on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
