/*
 * kv.c: key=value pairs of a text line (keep.h), as firewalls, proxies
 * and auditd write them: srcip=10.0.0.1 msg="a b" name='x'.
 */
#include <ctype.h>
#include <string.h>

#include "buf.h"
#include "keep.h"

static int
key_byte(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

struct soc_val *
ing_kv_parse(struct soc_val_arena *a, const char *s, size_t n,
    size_t *npairs, size_t *cover)
{
	struct soc_val *o = a ? soc_val_new_object(a) : NULL;
	struct soc_buf b = SOC_BUF_INIT;
	size_t i = 0;

	*npairs = *cover = 0;
	while (i < n) {
		size_t k0, k1, v0;

		while (i < n && !key_byte((unsigned char)s[i]))
			i++;
		k0 = i;
		while (i < n && key_byte((unsigned char)s[i]))
			i++;
		k1 = i;
		if (i >= n || s[i] != '=' || k1 == k0) {
			while (i < n && s[i] != ' ' && s[i] != '\t')
				i++;	/* not a pair: skip the word */
			continue;
		}
		i++;
		soc_buf_reset(&b);
		v0 = i;
		if (i < n && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];

			while (i < n && s[i] != q) {
				if (s[i] == '\\' && i + 1 < n &&
				    (s[i + 1] == q || s[i + 1] == '\\'))
					i++;
				soc_buf_add(&b, &s[i], 1);
				i++;
			}
			if (i < n)
				i++;
		} else {
			while (i < n && s[i] != ' ' && s[i] != '\t')
				i++;
			soc_buf_add(&b, s + v0, i - v0);
		}
		if (o)
			soc_val_putn(o, s + k0, k1 - k0,
			    soc_val_new_strn(a, b.p ? b.p : "", b.len));
		(*npairs)++;
		*cover += i - k0;
	}
	soc_buf_release(&b);
	return o;
}
