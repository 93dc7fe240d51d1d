// The preview of one version of a file: text in a <pre>, an image through a data: URL (the app's and
// serve's Content-Security-Policy allow img-src data:), or a sentence for anything else.
import type { z } from 'zod';
import type { FileContent } from '../../../shared/contract';
import { bytes, stampText } from '../format';

type Content = z.output<typeof FileContent>;

/** Shows what fileRead answered for one version. */
export function FilePreview({ c, name }: { c: Content; name: string }) {
  if (c.type === 'text')
    return (
      <>
        {c.truncated && (
          <p className="muted">
            The first {bytes(new TextEncoder().encode(c.text ?? '').length)} of {bytes(c.size)}:
          </p>
        )}
        {c.text === '' ? (
          <p className="muted">This version is empty.</p>
        ) : (
          <pre className="preview" tabIndex={0} aria-label={`Content of ${name}`}>
            {c.text}
          </pre>
        )}
      </>
    );
  if (c.type === 'image')
    return c.base64 ? (
      <img
        className="preview-image"
        src={`data:${c.mime};base64,${c.base64}`}
        alt={`${name} as backed up on ${stampText(c.stamp)}`}
      />
    ) : (
      <p className="muted">This image is {bytes(c.size)}, too large to preview; download it to see it.</p>
    );
  return <p className="muted">No preview: this file is not text or an image ({bytes(c.size)}).</p>;
}
