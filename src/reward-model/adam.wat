;; The fused Adam step of adam.ts in WebAssembly SIMD: two weights at a time in float64 lanes, with
;; the very operations of the scalar formula in the same order (IEEE add, mul, div and sqrt, no fused
;; multiply-add), so its float32 results are the scalar loop's bit for bit. Arrays are float32 at byte
;; offsets into the imported memory, 8-byte aligned, their lengths rounded up to an even count (the
;; padding stays zero: a zero weight with zero gradient and moments keeps them zero).
;; `npm run wasm` compiles this file into adam-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $param i32) (param $m i32) (param $v i32) (param $grad i32) (param $n i32)
    (param $decay f64) (param $stepSize f64) (param $eps f64)
    (param $beta1 f64) (param $oneMinusBeta1 f64) (param $beta2 f64) (param $oneMinusBeta2 f64)
    (local $offset i32) (local $end i32)
    (local $decayV v128) (local $stepV v128) (local $epsV v128)
    (local $b1V v128) (local $c1V v128) (local $b2V v128) (local $c2V v128)
    (local $theta v128) (local $g v128) (local $mi v128) (local $vi v128)
    (local.set $decayV (f64x2.splat (local.get $decay)))
    (local.set $stepV (f64x2.splat (local.get $stepSize)))
    (local.set $epsV (f64x2.splat (local.get $eps)))
    (local.set $b1V (f64x2.splat (local.get $beta1)))
    (local.set $c1V (f64x2.splat (local.get $oneMinusBeta1)))
    (local.set $b2V (f64x2.splat (local.get $beta2)))
    (local.set $c2V (f64x2.splat (local.get $oneMinusBeta2)))
    ;; Bytes of the even-rounded length.
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const -2)) (i32.const 2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $theta
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $param) (local.get $offset)))))
        ;; g = grad + 2λ·θ
        (local.set $g
          (f64x2.add
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $grad) (local.get $offset))))
            (f64x2.mul (local.get $decayV) (local.get $theta))))
        ;; m = β1·m + (1 − β1)·g
        (local.set $mi
          (f64x2.add
            (f64x2.mul (local.get $b1V)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $m) (local.get $offset)))))
            (f64x2.mul (local.get $c1V) (local.get $g))))
        ;; v = β2·v + ((1 − β2)·g)·g
        (local.set $vi
          (f64x2.add
            (f64x2.mul (local.get $b2V)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v) (local.get $offset)))))
            (f64x2.mul (f64x2.mul (local.get $c2V) (local.get $g)) (local.get $g))))
        (v128.store64_lane 0 (i32.add (local.get $m) (local.get $offset)) (f32x4.demote_f64x2_zero (local.get $mi)))
        (v128.store64_lane 0 (i32.add (local.get $v) (local.get $offset)) (f32x4.demote_f64x2_zero (local.get $vi)))
        ;; θ = θ − (stepSize·m) / (√v + ε)
        (v128.store64_lane 0 (i32.add (local.get $param) (local.get $offset))
          (f32x4.demote_f64x2_zero
            (f64x2.sub (local.get $theta)
              (f64x2.div
                (f64x2.mul (local.get $stepV) (local.get $mi))
                (f64x2.add (f64x2.sqrt (local.get $vi)) (local.get $epsV))))))
        ;; The gradient is consumed: zeroed for the next step's accumulation.
        (i64.store (i32.add (local.get $grad) (local.get $offset)) (i64.const 0))
        (local.set $offset (i32.add (local.get $offset) (i32.const 8)))
        (br $pairs))))
)
