import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseNotebook,
  serializeNotebook,
  NotebookFormatError,
  BERTNB_FORMAT_VERSION,
} from '../../../src/engine/notebook/format';

const sample = {
  bertnb: 1,
  metadata: { title: 'demo' },
  cells: [
    { kind: 'markdown', source: ['# Title', '', 'text'], metadata: {} },
    {
      kind: 'code',
      source: '%model\nname: bert-tiny',
      metadata: { collapsed: true },
      outputs: [
        {
          items: [
            { mime: 'text/plain', data: 'ok' },
            { mime: 'application/vnd.bertnb.model+json', data: { params: 3 } },
          ],
        },
      ],
      execution: { order: 1, success: true },
    },
  ],
};

test('round trip keeps sources, outputs, execution and metadata', () => {
  const nb = parseNotebook(JSON.stringify(sample));
  assert.equal(nb.cells[0].source, '# Title\n\ntext');
  assert.equal(nb.cells[1].source, '%model\nname: bert-tiny');
  assert.deepEqual(nb.cells[1].outputs[0].items[1].data, { params: 3 });
  assert.deepEqual(nb.cells[1].execution, { order: 1, success: true });
  const text = serializeNotebook(nb);
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(JSON.parse(text), {
    ...sample,
    cells: [{ ...sample.cells[0] }, { ...sample.cells[1], source: ['%model', 'name: bert-tiny'] }],
  });
  // Serializing what we parsed is byte-stable.
  assert.equal(serializeNotebook(parseNotebook(text)), text);
});

test('serializer writes a stable key order with 2-space indent and sorted metadata', () => {
  const text = serializeNotebook({
    version: 1,
    metadata: { b: 1, a: { z: 1, y: 2 } },
    cells: [{ kind: 'code', source: 'x', metadata: {}, outputs: [] }],
  });
  assert.equal(
    text,
    '{\n  "bertnb": 1,\n  "metadata": {\n    "a": {\n      "y": 2,\n      "z": 1\n    },\n    "b": 1\n  },\n  "cells": [\n    {\n      "kind": "code",\n      "source": "x",\n      "metadata": {},\n      "outputs": []\n    }\n  ]\n}\n',
  );
});

test('unknown fields survive a round trip at every level', () => {
  const raw = {
    bertnb: 1,
    future: { x: 1 },
    metadata: {},
    cells: [{ kind: 'code', source: 'a', metadata: {}, tags: ['t'], outputs: [{ items: [], id: 'o1' }] }],
  };
  const back = JSON.parse(serializeNotebook(parseNotebook(JSON.stringify(raw))));
  assert.deepEqual(back.future, { x: 1 });
  assert.deepEqual(back.cells[0].tags, ['t']);
  assert.equal(back.cells[0].outputs[0].id, 'o1');
});

test('an empty file is an empty notebook', () => {
  assert.deepEqual(parseNotebook('').cells, []);
  assert.deepEqual(parseNotebook('  \n').cells, []);
});

test('malformed files throw clear NotebookFormatErrors', () => {
  const cases: Array<[string, RegExp]> = [
    ['{"bertnb": 1, "cells": [}', /not valid JSON/],
    ['[1,2]', /must hold a JSON object/],
    ['{"cells": []}', /missing the "bertnb" format version/],
    ['{"bertnb": "1", "cells": []}', /positive integer/],
    ['{"bertnb": 1, "cells": {}}', /"cells" must be an array/],
    ['{"bertnb": 1, "cells": [{"kind": "raw"}]}', /cells\[0\].*"kind" must be/],
    ['{"bertnb": 1, "cells": [{"kind": "code", "source": 3}]}', /cells\[0\].*"source"/],
    [
      '{"bertnb": 1, "cells": [{"kind": "code", "outputs": [{"items": [{"mime": "text/plain", "data": 1}]}]}]}',
      /items\[0\].*must be a string/,
    ],
  ];
  for (const [text, re] of cases)
    assert.throws(
      () => parseNotebook(text),
      (e: unknown) => e instanceof NotebookFormatError && re.test(e.message),
      text,
    );
});

test('a newer format version is refused with an explanation', () => {
  assert.throws(
    () => parseNotebook(JSON.stringify({ bertnb: BERTNB_FORMAT_VERSION + 1, metadata: {}, cells: [] })),
    /format version 2, newer than the 1 this bertnb understands/,
  );
});
