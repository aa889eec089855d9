/* Plexus plugin ABI: filled in by the plugin issue. */
#ifndef PLEXUS_PLUGIN_H
#define PLEXUS_PLUGIN_H
#include <stdint.h>
#define PX_PLUGIN_ABI_VERSION_MAJOR 1
#endif
