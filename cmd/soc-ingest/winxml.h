/*
 * winxml: Windows Event XML (the <Event> element of wevtutil, Get-WinEvent
 * .ToXml(), Windows Event Forwarding) into an evtx_dump-style object
 * (val.h), with a small strict XML parser of its own (no libxml).
 *
 * The subset: elements, attributes ('"' or '\'' quoted), character data
 * with the five named entities and &#N; / &#xH; references, CDATA
 * sections, comments, an XML declaration and processing instructions
 * (skipped).  No DTDs, no external entities: "<!DOCTYPE" is an error, so
 * there is nothing to expand.  Element names keep their prefix.
 *
 * The object follows evtx_dump (omerbenamram/evtx) --format json:
 *   {"Event":{"#attributes":{"xmlns":...},
 *     "System":{"Provider":{"#attributes":{"Name":..,"Guid":..}},
 *               "EventID":4624, "Level":0, ...,
 *               "TimeCreated":{"#attributes":{"SystemTime":..}},
 *               "Execution":{"#attributes":{"ProcessID":4,"ThreadID":8}},
 *               "Computer":"..", "Channel":"..", "Security":..},
 *     "EventData":{"Name":"value",...},
 *     "UserData":{...}, "RenderingInfo":{...}}}
 * An element with only text is its text; an empty one is null; one with
 * attributes is {"#attributes":{...}} plus "#text" and its children;
 * repeated child names become arrays.  <Data Name="X">v</Data> becomes
 * "X":"v" in its parent; unnamed <Data> values collect under "Data".
 * System's numeric fields (EventID, Version, Level, Task, Opcode,
 * EventRecordID, ProcessID, ThreadID) become integers, as evtx_dump
 * writes them; EventData values stay strings.
 *
 * Limits: nesting SOC_WINXML_MAX_DEPTH, SOC_WINXML_MAX_NODES elements;
 * memory is bounded by a small multiple of the input length.
 *
 * Kept rather than expat (doc/design.md, "What a library does, it
 * does"): on the Windows fixtures this parser with its tree ran
 * 260,000-300,000 events/s, expat 2.5.0 parsing alone (counting
 * callbacks, no tree) 171,000-187,000: 1.5-1.6 times the CPU.
 */
#ifndef SOC_WINXML_H
#define SOC_WINXML_H

#include <stddef.h>

#include "val.h"

#define SOC_WINXML_MAX_DEPTH 32
#define SOC_WINXML_MAX_NODES 4096

/*
 * Parse one document s[0..n) holding a single root element (surrounding
 * whitespace, declaration and comments allowed).  Returns an object in
 * a, {"<root name>": ...}, or NULL with *why set to a static reason.
 */
struct soc_val *soc_winxml_parse(struct soc_val_arena *a, const char *s,
    size_t n, const char **why);

#endif
