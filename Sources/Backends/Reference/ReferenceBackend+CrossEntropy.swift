import BackendProtocol

extension ReferenceBackend {
  /// `out[i] = logsumexp(logits[i, :]) - logits[i, labels[i]]`, one pass per row.
  public func sparseSoftmaxCrossEntropy(
    logits: TensorBuffer, labels: TensorBuffer, _ out: TensorBuffer
  ) throws {
    switch logits.dtype {
    case .float32: try crossEntropy(logits, labels, nil, out, Float.self)
    case .float64: try crossEntropy(logits, labels, nil, out, Double.self)
    default: throw unsupported(.sparseSoftmaxCrossEntropy, logits.dtype)
    }
  }

  /// `out[i, j] = (softmax(logits[i, :])[j] - onehot(labels[i])[j]) · upstream[i]`.
  public func sparseSoftmaxCrossEntropyGradient(
    logits: TensorBuffer, labels: TensorBuffer, upstream: TensorBuffer, _ out: TensorBuffer
  ) throws {
    switch logits.dtype {
    case .float32: try crossEntropy(logits, labels, upstream, out, Float.self)
    case .float64: try crossEntropy(logits, labels, upstream, out, Double.self)
    default: throw unsupported(.sparseSoftmaxCrossEntropyGradient, logits.dtype)
    }
  }

  /// The loss per row when `upstream` is nil, else the gradient of the logits.
  private func crossEntropy<T: RealElement>(
    _ logits: TensorBuffer, _ labels: TensorBuffer, _ upstream: TensorBuffer?,
    _ out: TensorBuffer, _ type: T.Type
  ) throws {
    let width = logits.shape.rank == 0 ? 1 : logits.shape[logits.shape.rank - 1]
    let rows = width == 0 ? 0 : logits.count / width
    // Every label is checked before anything is written: a bad one is an error, not a read
    // outside the row.
    let reader = try IndexReader(
      labels, op: upstream == nil ? .sparseSoftmaxCrossEntropy : .sparseSoftmaxCrossEntropyGradient,
      axis: logits.shape.rank - 1, size: width)
    guard rows > 0 else { return }
    let source = logits.pointer(T.self)
    let destination = out.pointer(T.self)
    let scales = upstream.map { $0.pointer(T.self) }
    for row in 0..<rows {
      let p = source + row * width
      var largest = p[0]
      for j in 1..<width { largest = T.larger(largest, p[j]) }
      // All -inf: keep the shift finite; the loss is then +inf or NaN, as the composite gives.
      if largest == -.infinity { largest = 0 }
      var total: T = 0
      for j in 0..<width { total += T.exp(p[j] - largest) }
      let label = reader[row]
      guard let scales else {
        destination[row] = largest + T.log(total) - p[label]
        continue
      }
      let q = destination + row * width
      let scale = scales[row] / total
      for j in 0..<width { q[j] = T.exp(p[j] - largest) * scale }
      q[label] -= scales[row]
    }
  }
}
