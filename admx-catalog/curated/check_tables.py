#!/usr/bin/env python3
"""Check the curated tables against the corpus.

Every csp_uri must be a node in the DDF v2 files, every settings_catalog_id must be a definition
file, each file must be UTF-8 with LF line ends and rows sorted as README.md says.
Usage: check_tables.py [CORPUS_DIR]   (default /work/shared/corpus)
"""
import csv, io, os, re, sys
import xml.etree.ElementTree as ET

corpus = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/corpus'
ddf_dir = os.path.join(corpus, 'ddf/pl4nty-windows-ddf-2025-02')
defs_dir = os.path.join(corpus, 'settings-catalog/definitions/pl4nty-intune-change-tracking/DCv2/Settings')
here = os.path.dirname(os.path.abspath(__file__))

uris = set()
for name in sorted(os.listdir(ddf_dir)):
    if not name.endswith('.xml'):
        continue
    text = open(os.path.join(ddf_dir, name), 'rb').read().decode('utf-8-sig')
    root = ET.fromstring(re.sub(r'<!DOCTYPE.*?\]>', '', text, flags=re.S))
    def walk(node, base):
        path = node.findtext('Path')
        uri = (path if path is not None else base).rstrip('/') + '/' + (node.findtext('NodeName') or '')
        uris.add(uri)
        for child in node.findall('Node'):
            walk(child, uri)
    for top in root.findall('Node'):
        walk(top, '')
defs = {f[:-5] for f in os.listdir(defs_dir) if f.endswith('.json')}

SORT = {
    'security-options.csv': lambda r: (r['registry_key'].lower(), r['value_name'].lower(), r['csp_uri']),
    'system-access.csv': lambda r: (r['gpttmpl_key'].lower(), r['section']),
    'user-rights.csv': lambda r: r['privilege_constant'].lower(),
    'audit-subcategories.csv': lambda r: (r['subcategory_guid'], r['csp_uri']),
    'bitlocker.csv': lambda r: (r['registry_key'].lower(), r['value_name'].lower(), r['csp_uri']),
    'laps.csv': lambda r: (r['registry_key'].lower(), r['value_name'].lower(), r['csp_uri']),
    'firewall.csv': lambda r: (r['registry_key'].lower(), r['value_name'].lower()),
}
failures = 0
for name, key in SORT.items():
    raw = open(os.path.join(here, name), 'rb').read()
    text = raw.decode('utf-8')
    problems = []
    if b'\r' in raw:
        problems.append('CR in file')
    rows = list(csv.DictReader(io.StringIO(text, newline='')))
    if [key(r) for r in rows] != sorted(key(r) for r in rows):
        problems.append('rows not sorted')
    if len({key(r) for r in rows}) != len(rows):
        problems.append('duplicate sort keys')
    with_uri = [r for r in rows if r['csp_uri']]
    bad_uri = [r['csp_uri'] for r in with_uri if r['csp_uri'] not in uris]
    with_id = [r for r in rows if r.get('settings_catalog_id')]
    bad_id = [r['settings_catalog_id'] for r in with_id if r['settings_catalog_id'] not in defs]
    evidence = {}
    for r in rows:
        evidence[r['evidence']] = evidence.get(r['evidence'], 0) + 1
    problems += ['unknown URI ' + u for u in bad_uri] + ['unknown definition ' + d for d in bad_id]
    print('%-26s rows %3d  uris %3d/%3d in DDF  ids %3d/%3d in catalog  evidence %s%s' % (
        name, len(rows), len(with_uri) - len(bad_uri), len(with_uri), len(with_id) - len(bad_id),
        len(with_id), dict(sorted(evidence.items())), ('  FAIL: ' + '; '.join(problems)) if problems else ''))
    failures += len(problems)
sys.exit(1 if failures else 0)
