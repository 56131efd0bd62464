/*
 * edr.c: what the EDR and XDR mappers share (edr.h): hashes, executables
 * from a directory and a name, the OS family.
 */
#include <stdio.h>
#include <string.h>

#include "edr.h"
#include "ingest.h"
#include "vendor.h"

/* A hash unless it is a placeholder of zeros. */
void
ing_edr_hash(struct soc_val *out, const char *prefix, const char *v)
{
	if (!vnd_zero_hash(v))
		ing_set_hashes(out, prefix, v);
}

/* process.executable (or PREFIX.executable) from a directory and a name
 * that may already be joined. */
void
ing_edr_exe(struct soc_val *out, const char *prefix, const char *dir, const char *name)
{
	char path[64], buf[1024];

	snprintf(path, sizeof path, "%s.executable", prefix);
	if (dir && name && !vnd_suffix(dir, name)) {
		size_t n = strlen(dir);
		int sep = n > 0 && (dir[n - 1] == '\\' || dir[n - 1] == '/');

		snprintf(buf, sizeof buf, "%s%s%s", dir, sep ? "" :
		    strchr(dir, '/') && !strchr(dir, '\\') ? "/" : "\\", name);
		soc_val_set_str(out, path, buf);
	} else
		soc_val_set_str(out, path, dir ? dir : NULL);
	snprintf(path, sizeof path, "%s.name", prefix);
	if (name)
		soc_val_set_str(out, path, name);
	else if (dir)
		soc_val_set_str(out, path, ing_basename(dir));
}

void
ing_edr_os(struct soc_val *out, const char *s)
{
	if (!s)
		return;
	if (vnd_prefix(s, "win"))
		soc_val_set_str(out, "host.os.family", "windows");
	else if (vnd_prefix(s, "mac") || vnd_prefix(s, "osx"))
		soc_val_set_str(out, "host.os.family", "macos");
	else if (vnd_prefix(s, "lin"))
		soc_val_set_str(out, "host.os.family", "linux");
	else if (vnd_prefix(s, "android"))
		soc_val_set_str(out, "host.os.family", "android");
	else if (vnd_prefix(s, "ios"))
		soc_val_set_str(out, "host.os.family", "ios");
}
