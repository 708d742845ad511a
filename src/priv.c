/* priv: giving up root after start-up: chroot, groups, gid, uid. */
#include "priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

int
priv_drop(const char *user, const char *group, const char *root_dir,
    struct buf *err)
{
	struct passwd *pw;
	struct group *gr;
	uid_t uid;
	gid_t gid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		buf_printf(err, "user %s: %s", user,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (group != NULL) {
		errno = 0;
		if ((gr = getgrnam(group)) == NULL) {
			buf_printf(err, "group %s: %s", group,
			    errno ? strerror(errno) : "no such group");
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (geteuid() != 0) {
		if (geteuid() == uid && root_dir == NULL)
			return 0;
		buf_printf(err, "only root can become user %s%s", user,
		    root_dir ? " or chroot" : "");
		return -1;
	}
	if (root_dir != NULL && (chroot(root_dir) == -1 || chdir("/") == -1)) {
		buf_printf(err, "chroot %s: %s", root_dir, strerror(errno));
		return -1;
	}
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		buf_printf(err, "becoming %s: %s", user, strerror(errno));
		return -1;
	}
	/* Root must be gone for good. */
	if (uid != 0 && (setuid(0) != -1 || geteuid() == 0)) {
		buf_printf(err, "could regain root after becoming %s", user);
		return -1;
	}
	return 0;
}
