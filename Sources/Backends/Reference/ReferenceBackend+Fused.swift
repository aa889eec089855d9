import BackendProtocol
import Glibc

#if canImport(_Builtin_intrinsics.intel)
  import _Builtin_intrinsics.intel
#endif

extension ReferenceBackend {
  /// `out = exp(x - max) / sum(exp(x - max))` along the last axis.
  public func softmax(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    switch x.dtype {
    case .float32: rowSoftmax(x, out, Float.self, logarithm: false)
    case .float64: rowSoftmax(x, out, Double.self, logarithm: false)
    default: throw unsupported(.softmax, x.dtype)
    }
  }

  /// `out = x - max - log(sum(exp(x - max)))` along the last axis.
  public func logSoftmax(_ x: TensorBuffer, _ out: TensorBuffer) throws {
    switch x.dtype {
    case .float32: rowSoftmax(x, out, Float.self, logarithm: true)
    case .float64: rowSoftmax(x, out, Double.self, logarithm: true)
    default: throw unsupported(.logSoftmax, x.dtype)
    }
  }

  /// Keras SGD, in place: `v = momentum·v - lr·g; w += v` (Nesterov: `w += momentum·v - lr·g`);
  /// without a velocity, `w -= lr·g`.
  public func sgdUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, velocity: TensorBuffer?,
    learningRate: Double, momentum: Double, nesterov: Bool
  ) throws {
    switch variable.dtype {
    case .float32:
      sgd(variable, gradient, velocity, learningRate, momentum, nesterov, Float.self)
    case .float64:
      sgd(variable, gradient, velocity, learningRate, momentum, nesterov, Double.self)
    default: throw unsupported(.sgdUpdate, variable.dtype)
    }
  }

  /// Keras Adam, in place: `m += (g - m)(1 - b1); v += (g² - v)(1 - b2);
  /// w -= lr·sqrt(1 - b2^t)/(1 - b1^t) · m / (sqrt(v) + eps)`.
  public func adamUpdate(
    variable: TensorBuffer, gradient: TensorBuffer, m: TensorBuffer, v: TensorBuffer,
    _ hyperparameters: AdamHyperparameters
  ) throws {
    switch variable.dtype {
    case .float32: adamFloat(variable, gradient, m, v, hyperparameters)
    case .float64: adam(variable, gradient, m, v, hyperparameters, Double.self)
    default: throw unsupported(.adamUpdate, variable.dtype)
    }
  }

  private func rowSoftmax<T: RealElement>(
    _ x: TensorBuffer, _ out: TensorBuffer, _ type: T.Type, logarithm: Bool
  ) {
    let width = x.shape.rank == 0 ? 1 : x.shape[x.shape.rank - 1]
    guard width > 0 else { return }
    let rows = x.count / width
    let source = x.pointer(T.self)
    let destination = out.pointer(T.self)
    parallel.forEachChunk(rows, grain: Swift.max(1, (Parallel.minimumParallelCount / 4) / width)) {
      range in
      for row in range {
        let p = source + row * width
        let q = destination + row * width
        var largest = p[0]
        for j in 1..<Swift.max(width, 1) { largest = T.larger(largest, p[j]) }
        if !largest.isFinite && largest == -.infinity { largest = 0 }
        var total: T = 0
        for j in 0..<width {
          let e = T.exp(p[j] - largest)
          q[j] = e
          total += e
        }
        if logarithm {
          let shift = largest + T.log(total)
          for j in 0..<width { q[j] = p[j] - shift }
        } else {
          let scale = 1 / total
          for j in 0..<width { q[j] *= scale }
        }
      }
    }
  }

  private func sgd<T: RealElement>(
    _ variable: TensorBuffer, _ gradient: TensorBuffer, _ velocity: TensorBuffer?,
    _ learningRate: Double, _ momentum: Double, _ nesterov: Bool, _ type: T.Type
  ) {
    let w = variable.pointer(T.self)
    let g = gradient.pointer(T.self)
    let lr = T(learningRate)
    let mu = T(momentum)
    guard let velocity else {
      parallel.forEachChunk(variable.count) { range in
        for i in range { w[i] -= lr * g[i] }
      }
      return
    }
    let v = velocity.pointer(T.self)
    parallel.forEachChunk(variable.count) { range in
      if nesterov {
        for i in range {
          let step = mu * v[i] - lr * g[i]
          v[i] = step
          w[i] += mu * step - lr * g[i]
        }
      } else {
        for i in range {
          let step = mu * v[i] - lr * g[i]
          v[i] = step
          w[i] += step
        }
      }
    }
  }

  private func adam<T: RealElement>(
    _ variable: TensorBuffer, _ gradient: TensorBuffer, _ m: TensorBuffer, _ v: TensorBuffer,
    _ h: AdamHyperparameters, _ type: T.Type
  ) {
    let w = variable.pointer(T.self)
    let g = gradient.pointer(T.self)
    let first = m.pointer(T.self)
    let second = v.pointer(T.self)
    let t = Double(h.step)
    let corrected = h.learningRate * (1 - pow(h.beta2, t)).squareRoot() / (1 - pow(h.beta1, t))
    let alpha = T(corrected)
    let oneMinusBeta1 = T(1 - h.beta1)
    let oneMinusBeta2 = T(1 - h.beta2)
    let epsilon = T(h.epsilon)
    parallel.forEachChunk(variable.count, grain: Parallel.minimumParallelCount / 2) { range in
      for i in range {
        let gi = g[i]
        let mi = first[i] + (gi - first[i]) * oneMinusBeta1
        let vi = second[i] + (gi * gi - second[i]) * oneMinusBeta2
        first[i] = mi
        second[i] = vi
        w[i] -= alpha * mi / (vi.squareRoot() + epsilon)
      }
    }
  }

  /// The float32 Adam step, written with explicit SIMD so that it vectorises whatever the
  /// compiler decides about aliasing and `squareRoot`'s scalar lowering.
  private func adamFloat(
    _ variable: TensorBuffer, _ gradient: TensorBuffer, _ m: TensorBuffer, _ v: TensorBuffer,
    _ h: AdamHyperparameters
  ) {
    let pointers = AdamPointers(
      w: variable.pointer(Float.self), g: gradient.pointer(Float.self),
      m: m.pointer(Float.self), v: v.pointer(Float.self))
    let c = h.float32Constants
    let constants = AdamConstants(
      alpha: c.alpha, oneMinusBeta1: c.oneMinusBeta1, oneMinusBeta2: c.oneMinusBeta2,
      epsilon: c.epsilon)
    parallel.forEachChunk(variable.count, grain: Parallel.minimumParallelCount / 4) { range in
      Self.adamKernel(pointers, constants, range)
    }
  }

  @inline(never)
  private static func adamKernel(_ p: AdamPointers, _ c: AdamConstants, _ range: Range<Int>) {
    typealias Vector = SIMD16<Float>
    let width = Vector.scalarCount
    var i = range.lowerBound
    let vectorEnd = range.lowerBound + (range.count / width) * width
    let raw = (
      w: UnsafeMutableRawPointer(p.w), g: UnsafeRawPointer(p.g), m: UnsafeMutableRawPointer(p.m),
      v: UnsafeMutableRawPointer(p.v)
    )
    while i < vectorEnd {
      let offset = i * MemoryLayout<Float>.stride
      var w = raw.w.loadUnaligned(fromByteOffset: offset, as: Vector.self)
      var m = raw.m.loadUnaligned(fromByteOffset: offset, as: Vector.self)
      var v = raw.v.loadUnaligned(fromByteOffset: offset, as: Vector.self)
      let g = raw.g.loadUnaligned(fromByteOffset: offset, as: Vector.self)
      adamStep(&w, &m, &v, g, c)
      raw.m.storeBytes(of: m, toByteOffset: offset, as: Vector.self)
      raw.v.storeBytes(of: v, toByteOffset: offset, as: Vector.self)
      raw.w.storeBytes(of: w, toByteOffset: offset, as: Vector.self)
      i += width
    }
    // The tail goes through the same vector arithmetic, lane by lane, so that an element's
    // result does not depend on where the thread split put it (a scalar tail with an exact
    // square root rounded differently at 1 and 2 threads).
    guard i < range.upperBound else { return }
    var w = Vector(repeating: 0)
    var m = Vector(repeating: 0)
    var v = Vector(repeating: 0)
    var g = Vector(repeating: 0)
    for lane in 0..<(range.upperBound - i) {
      (w[lane], m[lane], v[lane], g[lane]) = (
        p.w[i + lane], p.m[i + lane], p.v[i + lane], p.g[i + lane]
      )
    }
    adamStep(&w, &m, &v, g, c)
    for lane in 0..<(range.upperBound - i) {
      (p.w[i + lane], p.m[i + lane], p.v[i + lane]) = (w[lane], m[lane], v[lane])
    }
  }

  /// One Adam step on 16 lanes; every element of a variable goes through exactly this.
  @inline(__always)
  private static func adamStep(
    _ w: inout SIMD16<Float>, _ m: inout SIMD16<Float>, _ v: inout SIMD16<Float>,
    _ g: SIMD16<Float>, _ c: AdamConstants
  ) {
    m += (g - m) * c.oneMinusBeta1
    v += (g * g - v) * c.oneMinusBeta2
    // Moments of rarely active weights decay geometrically into subnormal numbers, where
    // every operation takes a microcode assist (~100x slower); flush them to zero as
    // TensorFlow's and XLA's flush-to-zero mode does.
    m.replace(
      with: 0, where: (m .< Float.leastNormalMagnitude) .& (m .> -Float.leastNormalMagnitude))
    v.replace(with: 0, where: v .< Float.leastNormalMagnitude)
    w -= c.alpha * m / (Self.squareRoot(v) + c.epsilon)
  }
}

extension ReferenceBackend {
  /// The correctly rounded square root of each lane, as IEEE 754 (and so Keras) defines it.
  /// Swift's `squareRoot()` on Linux keeps C's errno check and becomes a scalar `sqrtss` and a
  /// test per lane; on x86-64 this takes SSE's `sqrtps`, four lanes at a time, which every
  /// x86-64 CPU has, so it needs no tuning flag (oneDNN's C Adam kernel gets the same bits
  /// from `vsqrtps`).
  @inline(__always)
  static func squareRoot(_ v: SIMD16<Float>) -> SIMD16<Float> {
    #if canImport(_Builtin_intrinsics.intel)
      let (low, high) = (v.lowHalf, v.highHalf)
      return SIMD16(
        lowHalf: SIMD8(lowHalf: _mm_sqrt_ps(low.lowHalf), highHalf: _mm_sqrt_ps(low.highHalf)),
        highHalf: SIMD8(
          lowHalf: _mm_sqrt_ps(high.lowHalf), highHalf: _mm_sqrt_ps(high.highHalf)))
    #else
      return v.squareRoot()
    #endif
  }
}

/// The buffers of one Adam step; the caller guarantees threads touch disjoint ranges.
private struct AdamPointers: @unchecked Sendable {
  let w: UnsafeMutablePointer<Float>
  let g: UnsafeMutablePointer<Float>
  let m: UnsafeMutablePointer<Float>
  let v: UnsafeMutablePointer<Float>
}

/// The scalars of one Adam step.
private struct AdamConstants: Sendable {
  let alpha: Float
  let oneMinusBeta1: Float
  let oneMinusBeta2: Float
  let epsilon: Float
}
