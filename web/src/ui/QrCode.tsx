// A QR code (ISO/IEC 18004) drawn as SVG from uqr's module matrix: one path of unit squares, a
// quiet zone of four modules, sized in CSS so that it prints sharp at any size.
import { encode } from "uqr";

export function QrCode({ value, label, className }: { value: string; label: string; className?: string }) {
  // ECC level M (15% recovery): a printed slip gets creased and smudged.
  const { data, size } = encode(value, { ecc: "M", border: 4 });
  let d = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return (
    <svg
      className={className ?? "qr"}
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
