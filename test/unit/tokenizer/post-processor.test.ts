import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncatedLengths, TruncationError } from '../../../src/engine/tokenizer/post-processor';

test('longest_first shortens the longer sequence first, then splits the budget', () => {
  assert.deepEqual(truncatedLengths(10, 3, 8, 'longest_first'), [5, 3]);
  assert.deepEqual(truncatedLengths(3, 10, 8, 'longest_first'), [3, 5]);
  assert.deepEqual(truncatedLengths(10, 10, 7, 'longest_first'), [3, 4]);
  assert.deepEqual(truncatedLengths(10, 12, 7, 'longest_first'), [3, 4]);
  assert.deepEqual(truncatedLengths(12, 10, 7, 'longest_first'), [4, 3]);
  assert.deepEqual(truncatedLengths(10, undefined, 4, 'longest_first'), [4, 0]);
  assert.deepEqual(truncatedLengths(2, 3, 8, 'longest_first'), [2, 3]);
});

test('only_first / only_second cut one sequence and fail when it is too short', () => {
  assert.deepEqual(truncatedLengths(10, 3, 8, 'only_first'), [5, 3]);
  assert.deepEqual(truncatedLengths(3, 10, 8, 'only_second'), [3, 5]);
  assert.throws(() => truncatedLengths(2, 10, 8, 'only_first'), TruncationError);
  assert.throws(() => truncatedLengths(10, 2, 8, 'only_second'), TruncationError);
  assert.throws(() => truncatedLengths(10, undefined, 8, 'only_second'), TruncationError);
});

test('a zero budget keeps nothing', () => {
  assert.deepEqual(truncatedLengths(5, 5, 0, 'longest_first'), [0, 0]);
});
