/*
 * fuzz_common.h - hand fuzz data to APIs that read files: the bytes go into
 * an anonymous memory file whose /proc/self/fd path is given to the API.
 */
#ifndef SVMCHECK_FUZZ_COMMON_H
#define SVMCHECK_FUZZ_COMMON_H

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static int fuzz_memfile(const unsigned char *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
