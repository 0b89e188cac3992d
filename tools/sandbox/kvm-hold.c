/*
 * kvm-hold: keep one KVM VM with one vCPU (no in-kernel irqchip) open until killed.
 *
 * Why: inside the kvm-sandbox QEMU/TCG guest, KVM flips kernel static keys
 * (text patching of hot code) whenever the number of VMs goes 0<->1 and whenever
 * an APIC-less vCPU is created or destroyed.  Under multi-threaded TCG with
 * several vCPUs that self-modification occasionally deadlocks the sandbox kernel.
 * Holding one VM and one APIC-less vCPU for the whole session keeps those keys
 * constant, so test VMMs can come and go without patching kernel text.
 *
 * Usage: kvm-hold [/dev/kvm]
 * The parent returns 0 once the child holds the VM and vCPU (or 1 with a message
 * if that failed); the child stays in the background until it is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "kvm-hold: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Create the VM and vCPU in this process; returns 0 on success. */
static int hold_vm(const char *dev)
{
	int kvm = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail(dev);
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	/* Deliberately no KVM_CREATE_IRQCHIP: the vCPU must be APIC-less. */
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/kvm";
	int ready[2];

	if (pipe(ready) < 0)
		return fail("pipe");

	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");

	if (pid == 0) {
		/* Child: the VM belongs to this process's mm, so create it here. */
		close(ready[0]);
		if (hold_vm(dev) != 0)
			_exit(1);
		if (write(ready[1], "1", 1) != 1)
			_exit(1);
		close(ready[1]);
		setsid();
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		for (;;)
			pause();
	}

	/* Parent: succeed only once the child reports the VM and vCPU exist. */
	close(ready[1]);
	char c;
	ssize_t n;
	do
		n = read(ready[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	waitpid(pid, NULL, 0);
	fprintf(stderr, "kvm-hold: could not hold a VM open on %s\n", dev);
	return 1;
}
