// A problem said in words, announced to screen readers: nothing when there is none.
export function ErrorLine(o: { text: string | null | undefined }) {
  if (!o.text) return null;
  return (
    <p role="alert" className="error">
      {o.text}
    </p>
  );
}
