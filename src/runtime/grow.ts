/** `array` copied into one of twice its length (at least one): room to append to a growing list of integers. */
export function doubled(array: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(1, 2 * array.length));
  bigger.set(array);
  return bigger;
}
