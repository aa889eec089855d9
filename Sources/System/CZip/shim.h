// Debian's libzip-dev, through pkg-config "libzip".
#include <zip.h>
