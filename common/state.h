/*
 * state: where a program keeps its database and the audit log.
 *
 * The directory is --state DIR, else $SOC_HOME, else
 * $XDG_STATE_HOME/socpipe, else ~/.local/state/socpipe.  It is created
 * with mode 0700 (parents as needed).
 */
#ifndef SOC_STATE_H
#define SOC_STATE_H

/* Resolve (override may be NULL) without creating; new string. */
char *soc_state_dir_path(const char *override);
/* Resolve and create; dies with SOC_EX_IOERR when it cannot.  New string. */
char *soc_state_dir(const char *override);
/* dir/name, new string. */
char *soc_state_file(const char *dir, const char *name);
/* mkdir -p with mode for the created parts; 0 or -1 with errno. */
int soc_mkdirs(const char *path, unsigned mode);

#endif
