/*
 * The BLIS backend plugin has no C API of its own: it is loaded at run time, and its one
 * exported symbol is px_plugin_entry, declared in include/plexus_plugin.h.
 */
#ifndef PX_BLIS_H
#define PX_BLIS_H
#endif
