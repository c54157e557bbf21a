import { describe, expect, it } from 'vitest';
import { contentMismatch, expectedContent, uploadContentType, uploadFileName } from './upload-rules.js';

describe('upload rules', () => {
  it('keeps the last path segment of a file name, without control characters', () => {
    expect(uploadFileName('C:\\logs\\..\\agora-sdk.log')).toBe('agora-sdk.log');
    expect(uploadFileName('../../etc/passwd')).toBe('passwd');
    expect(uploadFileName('a\u0000b\r\n.txt')).toBe('ab.txt');
    expect(uploadFileName('..')).toBe('attachment');
    expect(uploadFileName(null)).toBe('attachment');
    expect(uploadFileName('日志.log')).toBe('日志.log');
  });

  it('accepts a plain media type and falls back to octet-stream for anything else', () => {
    expect(uploadContentType('Text/Plain; charset=utf-8')).toBe('text/plain');
    expect(uploadContentType('text/html\r\nX-Evil: 1')).toBe('application/octet-stream');
    expect(uploadContentType(undefined)).toBe('application/octet-stream');
  });

  it('checks what the client announced against what arrived', () => {
    const sha = 'a'.repeat(64);
    expect(contentMismatch(expectedContent(sha, '3'), { sha256: sha, size: 3 })).toBeNull();
    expect(contentMismatch(expectedContent(sha, '4'), { sha256: sha, size: 3 })).toMatch(/size mismatch/);
    expect(contentMismatch(expectedContent('b'.repeat(64), null), { sha256: sha, size: 3 })).toMatch(/sha256 mismatch/);
    expect(() => expectedContent('xyz', null)).toThrow(/64 hexadecimal/);
    expect(() => expectedContent(null, '-1')).toThrow(/whole number/);
  });
});
