import { describe, expect, it } from 'vitest';
import {
  decodeFixOrderValue,
  decodeFormMetadata,
  decodeReviewMetadata,
  encodeFixOrderValue,
  encodeFormMetadata,
  encodeReviewMetadata,
} from '../../src/parsing/interaction-payloads.js';

describe('form metadata', () => {
  it('round-trips and rejects anything else', () => {
    const encoded = encodeFormMetadata({ channelId: 'C1', personaCount: 3, reorderOf: 'ord_1' });
    expect(decodeFormMetadata(encoded)).toEqual({ channelId: 'C1', personaCount: 3, reorderOf: 'ord_1' });
    expect(decodeFormMetadata(encodeFormMetadata({ channelId: 'C1', personaCount: 1 }))).toEqual({
      channelId: 'C1',
      personaCount: 1,
    });
    for (const bad of [
      undefined,
      '',
      'not json',
      '[]',
      'null',
      '{"channelId":"C1"}',
      '{"channelId":"C1","personaCount":0}',
      '{"channelId":"C1","personaCount":11}',
      '{"channelId":"C1","personaCount":1.5}',
      '{"channelId":"","personaCount":1}',
      '{"channelId":"C1","personaCount":1,"reorderOf":7}',
    ]) {
      expect(decodeFormMetadata(bad)).toBeUndefined();
    }
  });
});

describe('review metadata and button values', () => {
  it('round-trip and reject anything else', () => {
    expect(decodeReviewMetadata(encodeReviewMetadata({ draftId: 'd1' }))).toEqual({ draftId: 'd1' });
    expect(decodeFixOrderValue(encodeFixOrderValue({ order: 'ord_1', action: 'act_1' }))).toEqual({
      order: 'ord_1',
      action: 'act_1',
    });
    expect(decodeFixOrderValue(encodeFixOrderValue({ order: 'ord_1' }))).toEqual({ order: 'ord_1' });
    for (const bad of [undefined, '', '{', '{"draftId":5}', '{"draftId":""}', 'x'.repeat(3001)]) {
      expect(decodeReviewMetadata(bad)).toBeUndefined();
    }
    for (const bad of ['{"order":1}', '{"action":"act_1"}', '{"order":"ord_1","action":7}', '"ord_1"']) {
      expect(decodeFixOrderValue(bad)).toBeUndefined();
    }
  });
});
