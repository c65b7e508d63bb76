;; The host kernels of arena.ts in WebAssembly SIMD, two float64 lanes at a time, with the very
;; operations of the scalar formulas in the same order (IEEE add, mul, div and sqrt, no fused
;; multiply-add), so their results are the scalar loops' bit for bit. Arrays live at byte offsets into
;; the imported memory, 16-byte aligned, their lengths rounded up to a multiple of four slots.
;; `npm run wasm` compiles this file into kernels-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  ;; The fused Adam step on float32 arrays; it runs over the even-rounded length (the padding stays
  ;; zero: a zero weight with zero gradient and moments keeps them zero).
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

  ;; out[h] = b1[h] + Σ_k x_k·W1[idx_k, h] (float64 out, float32 b1 and W1 [D, H]) for one sparse row of
  ;; nnz entries (int32 idx, float32 x), k in order: heads.ts's affine.
  (func (export "affine")
    (param $idx i32) (param $val i32) (param $nnz i32) (param $w1 i32) (param $b1 i32) (param $out i32)
    (param $hidden i32)
    (local $h i32) (local $k i32) (local $row i32) (local $x f64) (local $xV v128) (local $at i32)
    (block $copied
      (loop $bias
        (br_if $copied (i32.ge_u (local.get $h) (local.get $hidden)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $h) (i32.const 3)))
          (f64.promote_f32 (f32.load (i32.add (local.get $b1) (i32.shl (local.get $h) (i32.const 2))))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $bias)))
    (block $rowsDone
      (loop $entries
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $nnz)))
        (local.set $x (f64.promote_f32 (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $xV (f64x2.splat (local.get $x)))
        (local.set $row
          (i32.add (local.get $w1)
            (i32.shl
              (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $hidden))
              (i32.const 2))))
        (local.set $h (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $h) (i32.const 2)) (local.get $hidden)))
            (local.set $at (i32.add (local.get $out) (i32.shl (local.get $h) (i32.const 3))))
            (v128.store (local.get $at)
              (f64x2.add (v128.load (local.get $at))
                (f64x2.mul (local.get $xV)
                  (f64x2.promote_low_f32x4
                    (v128.load64_zero (i32.add (local.get $row) (i32.shl (local.get $h) (i32.const 2))))))))
            (local.set $h (i32.add (local.get $h) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_u (local.get $h) (local.get $hidden))
          (then
            (local.set $at (i32.add (local.get $out) (i32.shl (local.get $h) (i32.const 3))))
            (f64.store (local.get $at)
              (f64.add (f64.load (local.get $at))
                (f64.mul (local.get $x)
                  (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $h) (i32.const 2))))))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $entries))))

  ;; G1[idx_k, h] += x_k·d[h] (float32 G1 [D, H], float64 d) for one sparse row, k in order: heads.ts's addOuter.
  (func (export "addOuter")
    (param $idx i32) (param $val i32) (param $nnz i32) (param $d i32) (param $g1 i32) (param $hidden i32)
    (local $h i32) (local $k i32) (local $row i32) (local $x f64) (local $xV v128) (local $at i32)
    (block $rowsDone
      (loop $entries
        (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $nnz)))
        (local.set $x (f64.promote_f32 (f32.load (i32.add (local.get $val) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $xV (f64x2.splat (local.get $x)))
        (local.set $row
          (i32.add (local.get $g1)
            (i32.shl
              (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $hidden))
              (i32.const 2))))
        (local.set $h (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $h) (i32.const 2)) (local.get $hidden)))
            (local.set $at (i32.add (local.get $row) (i32.shl (local.get $h) (i32.const 2))))
            (v128.store64_lane 0 (local.get $at)
              (f32x4.demote_f64x2_zero
                (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $at)))
                  (f64x2.mul (local.get $xV)
                    (v128.load (i32.add (local.get $d) (i32.shl (local.get $h) (i32.const 3))))))))
            (local.set $h (i32.add (local.get $h) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_u (local.get $h) (local.get $hidden))
          (then
            (local.set $at (i32.add (local.get $row) (i32.shl (local.get $h) (i32.const 2))))
            (f32.store (local.get $at)
              (f32.demote_f64
                (f64.add (f64.promote_f32 (f32.load (local.get $at)))
                  (f64.mul (local.get $x)
                    (f64.load (i32.add (local.get $d) (i32.shl (local.get $h) (i32.const 3))))))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $entries))))

  ;; Σ_i x[i]·w[i] over float32 arrays in four partial sums (lanes i mod 4), then (s0 + s1) + (s2 + s3),
  ;; the tail added into s0 first: heads.ts's dot on a dense row.
  (func (export "dot") (param $x i32) (param $w i32) (param $n i32) (result f64)
    (local $at i32) (local $end i32) (local $low v128) (local $high v128) (local $xv v128) (local $wv v128)
    (local $sum f64)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $at))))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $at))))
        (local.set $low
          (f64x2.add (local.get $low)
            (f64x2.mul (f64x2.promote_low_f32x4 (local.get $xv)) (f64x2.promote_low_f32x4 (local.get $wv)))))
        (local.set $high
          (f64x2.add (local.get $high)
            (f64x2.mul
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv)))
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $wv) (local.get $wv))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $quads)))
    (local.set $sum (f64x2.extract_lane 0 (local.get $low)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $sum
          (f64.add (local.get $sum)
            (f64.mul
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at))))
              (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $at)))))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $tail)))
    (f64.add
      (f64.add (local.get $sum) (f64x2.extract_lane 1 (local.get $low)))
      (f64.add (f64x2.extract_lane 0 (local.get $high)) (f64x2.extract_lane 1 (local.get $high)))))

  ;; g[i] += scale·x[i] over float32 arrays: heads.ts's addScaledRow on a dense row.
  (func (export "addScaled") (param $x i32) (param $scale f64) (param $g i32) (param $n i32)
    (local $at i32) (local $end i32) (local $scaleV v128) (local $to i32)
    (local.set $scaleV (f64x2.splat (local.get $scale)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $at) (i32.const 8)) (local.get $end)))
        (local.set $to (i32.add (local.get $g) (local.get $at)))
        (v128.store64_lane 0 (local.get $to)
          (f32x4.demote_f64x2_zero
            (f64x2.add (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $to)))
              (f64x2.mul (local.get $scaleV)
                (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $at))))))))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $pairs)))
    (if (i32.lt_u (local.get $at) (local.get $end))
      (then
        (local.set $to (i32.add (local.get $g) (local.get $at)))
        (f32.store (local.get $to)
          (f32.demote_f64
            (f64.add (f64.promote_f32 (f32.load (local.get $to)))
              (f64.mul (local.get $scale) (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at)))))))))))
)
