// SPDX-License-Identifier: GPL-2.0
/*
 * The tool end to end, short of a module: mv_main() runs in a child with
 * stdout and stderr captured, MINIVISOR_DEVICE and MINIVISOR_KVM_DEVICE
 * pointing nowhere.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "cli.h"

struct cli_result {
	int status;
	char out[8192];
	char err[8192];
};

static void drain(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

static void run_cli(struct cli_result *r, char *const argv[])
{
	int out[2], err[2], argc = 0, st;
	pid_t pid;

	while (argv[argc])
		argc++;
	CHECK(pipe(out) == 0 && pipe(err) == 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		setenv("MINIVISOR_DEVICE", "/nonexistent/minivisor", 1);
		setenv("MINIVISOR_KVM_DEVICE", "/nonexistent/kvm", 1);
		st = mv_main(argc, (char **)argv);
		fflush(NULL);
		_exit(st);
	}
	close(out[1]);
	close(err[1]);
	/* The outputs here are far below a pipe's capacity. */
	CHECK(waitpid(pid, &st, 0) == pid);
	drain(out[0], r->out, sizeof(r->out));
	drain(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define CLI(r, ...)	run_cli(r, (char *const[]){ "minivisor", __VA_ARGS__, NULL })

TEST(cli_help)
{
	static struct cli_result r;

	CLI(&r, "--help");
	CHECK_EQ(r.status, 0);
	CHECK_CONTAINS(r.out, "Usage: minivisor COMMAND");
	CHECK_STREQ(r.err, "");
	CLI(&r, "run", "--help");
	CHECK_EQ(r.status, 0);
	CHECK_CONTAINS(r.out, "Usage: minivisor run");
	CLI(&r, "caps", "--help");
	CHECK_EQ(r.status, 0);
	CHECK_CONTAINS(r.out, "Usage: minivisor caps");
	CLI(&r, "--version");
	CHECK_EQ(r.status, 0);
	CHECK_CONTAINS(r.out, "API version 1");
}

TEST(cli_usage_errors)
{
	static struct cli_result r;

	run_cli(&r, (char *const[]){ "minivisor", NULL });
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "missing COMMAND");
	CHECK_CONTAINS(r.err, "Try 'minivisor --help'.");
	CHECK_STREQ(r.out, "");

	CLI(&r, "frobnicate");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "minivisor: unknown command 'frobnicate'");
	CLI(&r, "--frob");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "minivisor: unknown option '--frob'");

	CLI(&r, "run", "--frob", "g.bin");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "minivisor run: unknown option '--frob'\nTry 'minivisor run --help'.");
	CLI(&r, "run");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "missing GUEST.bin");
	CLI(&r, "run", "--mem", "64X", "g.bin");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "--mem '64X': expected SIZE");

	CLI(&r, "caps", "--frob");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "minivisor caps: unknown option '--frob'\nTry 'minivisor caps --help'.");
	CLI(&r, "caps", "extra");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "unexpected argument 'extra'");
}

TEST(cli_setup_errors)
{
	static struct cli_result r;
	char path[] = "/tmp/mv-cli-guest-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "\xf4", 1), 1);	/* hlt */
	close(fd);

	CLI(&r, "run", "/nonexistent/guest.bin");
	CHECK_EQ(r.status, 1);
	CHECK_CONTAINS(r.err, "cannot open guest image /nonexistent/guest.bin");
	CHECK_STREQ(r.out, "");

	CLI(&r, "run", "--entry", "long", path);
	CHECK_EQ(r.status, 1);
	CHECK_CONTAINS(r.err, "minivisor: cannot open /nonexistent/minivisor: No such file or directory (is minivisor.ko loaded? insmod kmod/minivisor.ko)");
	CHECK_STREQ(r.out, "");

	CLI(&r, "caps");
	CHECK_EQ(r.status, 1);
	CHECK_CONTAINS(r.err, "is minivisor.ko loaded?");
	unlink(path);
}

TEST(cli_image_too_big_is_refused_first)
{
	static struct cli_result r;
	char path[] = "/tmp/mv-cli-big-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 3 << 20) == 0);
	close(fd);
	CLI(&r, "run", "--mem", "2M", path);
	CHECK_EQ(r.status, 1);
	CHECK_CONTAINS(r.err, "the image is 3145728 bytes");
	CHECK_CONTAINS(r.err, "(--mem 2M): use a larger --mem");
	unlink(path);
}

TEST(cli_hv_kvm_errors)
{
	static struct cli_result r;
	char path[] = "/tmp/mv-cli-kvm-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "\xf4", 1), 1);	/* hlt */
	close(fd);

	CLI(&r, "run", "--hv", "kvm", path);
	CHECK_EQ(r.status, 1);
	CHECK_CONTAINS(r.err, "minivisor: cannot open /nonexistent/kvm: No such file or directory: KVM is not loaded (modprobe kvm_intel");
	CLI(&r, "run", "--hv", "kvm", "--ring", "ring-test", path);
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "KVM has no shared exit rings");
	CLI(&r, "run", "--coalesced", "console", path);
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "use --ring console:posted");
	CLI(&r, "caps", "--hv", "kvm");
	CHECK_EQ(r.status, 1);
	CHECK_CONTAINS(r.err, "modprobe kvm_intel");
	CLI(&r, "caps", "--hv", "xen");
	CHECK_EQ(r.status, 2);
	CHECK_CONTAINS(r.err, "--hv 'xen': expected minivisor or kvm");
	CLI(&r, "caps", "--hv");
	CHECK_EQ(r.status, 2);
	unlink(path);
}
