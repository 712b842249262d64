/*
 * Preloaded after the ASan runtime when the server runs with sanitizers.
 *
 * PostgreSQL is not built with ASan, so the runtime comes in by LD_PRELOAD
 * and initializes lazily, on the first malloc.  On Debian 12 that first
 * malloc happens inside a library constructor (p11-kit's newlocale, pulled
 * in through libldap and gnutls) while glibc holds a locale lock.  During
 * its initialization the runtime looks up the optional symbol
 * swift_demangle and, when that fails, calls dlerror(), which translates
 * the message through gettext and takes the same lock again: the rwlock
 * gets corrupted and the next bindtextdomain() in main() hangs forever.
 *
 * Defining the symbol makes the lookup succeed, so dlerror() has nothing
 * to translate.  Returning NULL means "not a Swift name", and reports are
 * demangled as usual.
 */
#include <stddef.h>
#include <stdint.h>

char	   *swift_demangle(const char *mangled, size_t mangled_len, char *out,
						   size_t *out_len, uint32_t flags);

char *
swift_demangle(const char *mangled, size_t mangled_len, char *out,
			   size_t *out_len, uint32_t flags)
{
	return NULL;
}
