/* proxy: the PROXY protocol header, versions 1 and 2 (haproxy's spec). */
#include "proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char proxy_v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

/* A decimal port of 1 to 5 digits, 0 to 65535. */
static int
proxy_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9' || strlen(s) > 5)
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static enum proxy_result
proxy_parse_v1(const unsigned char *data, size_t len,
    struct proxy_info *info, size_t *consumed, const char **why)
{
	char line[108], *fields[6], *save = NULL, *tok;
	const unsigned char *crlf;
	size_t n = 0, line_len;
	uint16_t port;

	crlf = memchr(data, '\n', len < 107 ? len : 107);
	if (crlf == NULL) {
		if (len >= 107) {
			*why = "PROXY v1 header longer than 107 bytes";
			return PROXY_INVALID;
		}
		return PROXY_NEED_MORE;
	}
	line_len = (size_t)(crlf - data) + 1;
	if (line_len < 2 || crlf[-1] != '\r') {
		*why = "PROXY v1 header not ended by CR LF";
		return PROXY_INVALID;
	}
	memcpy(line, data, line_len - 2);
	line[line_len - 2] = '\0';
	for (tok = strtok_r(line, " ", &save); tok != NULL && n < 6;
	    tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	*consumed = line_len;
	if (n >= 2 && strcmp(fields[1], "UNKNOWN") == 0) {
		info->local = true;
		return PROXY_DONE;
	}
	if (n != 6 || tok != NULL) {
		*why = "PROXY v1 header without its six fields";
		return PROXY_INVALID;
	}
	if (strcmp(fields[1], "TCP4") == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&info->src;

		sin->sin_family = AF_INET;
		if (inet_pton(AF_INET, fields[2], &sin->sin_addr) != 1)
			goto bad;
		info->srclen = sizeof(*sin);
		if (proxy_port(fields[4], &port) == -1)
			goto bad;
		sin->sin_port = htons(port);
	} else if (strcmp(fields[1], "TCP6") == 0) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&info->src;

		sin6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, fields[2], &sin6->sin6_addr) != 1)
			goto bad;
		info->srclen = sizeof(*sin6);
		if (proxy_port(fields[4], &port) == -1)
			goto bad;
		sin6->sin6_port = htons(port);
	} else
		goto bad;
	if (proxy_port(fields[5], &port) == -1)
		goto bad;
	return PROXY_DONE;
bad:
	*why = "PROXY v1 header with a bad protocol, address or port";
	return PROXY_INVALID;
}

static enum proxy_result
proxy_parse_v2(const unsigned char *data, size_t len,
    struct proxy_info *info, size_t *consumed, const char **why)
{
	size_t body;
	unsigned char cmd, fam;

	if (len < 16)
		return PROXY_NEED_MORE;
	if ((data[12] & 0xf0) != 0x20) {
		*why = "PROXY v2 header of another version";
		return PROXY_INVALID;
	}
	cmd = data[12] & 0x0f;
	fam = data[13];
	body = (size_t)data[14] << 8 | data[15];
	if (16 + body > PROXY_MAX_HEADER) {
		*why = "PROXY v2 header too long";
		return PROXY_INVALID;
	}
	if (len < 16 + body)
		return PROXY_NEED_MORE;
	*consumed = 16 + body;
	if (cmd == 0x0) {
		/* LOCAL: the proxy's own connection, a health check. */
		info->local = true;
		return PROXY_DONE;
	}
	if (cmd != 0x1) {
		*why = "PROXY v2 header with an unknown command";
		return PROXY_INVALID;
	}
	if (fam == 0x11 && body >= 12) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&info->src;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, data + 16, 4);
		memcpy(&sin->sin_port, data + 24, 2);
		info->srclen = sizeof(*sin);
	} else if (fam == 0x21 && body >= 36) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&info->src;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, data + 16, 16);
		memcpy(&sin6->sin6_port, data + 48, 2);
		info->srclen = sizeof(*sin6);
	} else if ((fam & 0xf0) == 0x00) {
		/* AF_UNSPEC: keep the connection's own address. */
		info->local = true;
	} else {
		*why = "PROXY v2 header with an unsupported address family";
		return PROXY_INVALID;
	}
	return PROXY_DONE;
}

enum proxy_result
proxy_parse(const unsigned char *data, size_t len, struct proxy_info *info,
    size_t *consumed, const char **why)
{
	size_t n = len < sizeof(proxy_v2_sig) ? len : sizeof(proxy_v2_sig);

	memset(info, 0, sizeof(*info));
	*consumed = 0;
	*why = NULL;
	if (memcmp(data, proxy_v2_sig, n) == 0)
		return n < sizeof(proxy_v2_sig) ? PROXY_NEED_MORE :
		    proxy_parse_v2(data, len, info, consumed, why);
	n = len < 6 ? len : 6;
	if (memcmp(data, "PROXY ", n) == 0)
		return n < 6 ? PROXY_NEED_MORE :
		    proxy_parse_v1(data, len, info, consumed, why);
	*why = "no PROXY protocol header";
	return PROXY_INVALID;
}
