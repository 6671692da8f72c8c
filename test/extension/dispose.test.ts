import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable, toDisposable } from '../../src/extension/dispose';

class Owner extends Disposable {
  add(name: string, log: string[], fail = false) {
    return this._register(
      toDisposable(() => {
        log.push(name);
        if (fail) throw new Error(`${name} failed`);
      }),
    );
  }
}

test('disposes what it registered once, last registered first', () => {
  const log: string[] = [];
  const owner = new Owner();
  owner.add('a', log);
  owner.add('b', log);
  owner.dispose();
  owner.dispose();
  assert.deepEqual(log, ['b', 'a']);
});

test('something registered after disposal is released at once instead of leaking', () => {
  const log: string[] = [];
  const owner = new Owner();
  owner.dispose();
  owner.add('late', log);
  assert.deepEqual(log, ['late']);
});

test('one failing disposable does not stop the others; the errors surface', () => {
  const log: string[] = [];
  const owner = new Owner();
  owner.add('a', log, true);
  owner.add('b', log);
  owner.add('c', log, true);
  assert.throws(() => owner.dispose(), (error: unknown) => error instanceof AggregateError && error.errors.length === 2);
  assert.deepEqual(log, ['c', 'b', 'a']);
});
