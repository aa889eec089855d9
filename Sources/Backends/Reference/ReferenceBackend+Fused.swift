import BackendProtocol
import Glibc

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
    case .float32: adam(variable, gradient, m, v, hyperparameters, Float.self)
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
}
