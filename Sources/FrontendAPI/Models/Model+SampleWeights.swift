extension Model {
  /// The weight of each sample's loss: `sampleWeight` (one per sample, finite), or the weight of
  /// each sample's class from `classWeight` (one output only: its labels are class ids, rounded
  /// as Keras rounds them, or one-hot rows whose largest entry is the class). Keras refuses
  /// both at once. Nil when neither.
  func sampleWeights(
    _ sampleWeight: Tensor?, classWeight: [Int: Double]?, targets: [Tensor], samples: Int,
    context: String
  ) throws -> Tensor? {
    var weights: [Float]?
    if let sampleWeight {
      guard sampleWeight.shape.dims == [samples] || sampleWeight.shape.dims == [samples, 1] else {
        throw PlexusError.shapeMismatch(
          context: "\(context) sampleWeight", expected: "[\(samples)] (one weight per sample)",
          received: "\(sampleWeight.shape)")
      }
      let values = try sampleWeight.floats()
      guard values.allSatisfy(\.isFinite) else {
        throw PlexusError.invalidArgument(
          context: "\(context) sampleWeight", message: "every weight must be finite")
      }
      weights = values
    }
    if let classWeight {
      // Keras refuses the two together (array_data_adapter.py).
      guard sampleWeight == nil else {
        throw PlexusError.invalidArgument(
          context: "\(context) classWeight",
          message: "cannot be given with sampleWeight; fold the class weights into sampleWeight")
      }
      guard targets.count == 1, let labels = targets.first else {
        throw PlexusError.invalidArgument(
          context: "\(context) classWeight",
          message: "applies to a model with one output; this one has \(targets.count)")
      }
      for (label, weight) in classWeight where !(weight.isFinite && weight >= 0) || label < 0 {
        throw PlexusError.invalidArgument(
          context: "\(context) classWeight",
          message: "class \(label) has weight \(weight); classes are ≥ 0 and weights finite ≥ 0")
      }
      // One class per sample: ids `(samples)` or `(samples, 1)`, or one-hot `(samples, classes)`;
      // Keras fails on labels of higher rank (a sequence's), and so does this, by name.
      guard (1...2).contains(labels.rank) else {
        throw PlexusError.shapeMismatch(
          context: "\(context) classWeight labels",
          expected: "class ids (samples) or (samples, 1), or one-hot (samples, classes)",
          received: "\(labels.shape)")
      }
      let values = try labels.floats()
      let columns = labels.rank == 2 ? labels.shape[1] : 1
      guard labels.shape[0] == samples, values.count == samples * columns else {
        throw PlexusError.shapeMismatch(
          context: "\(context) classWeight labels",
          expected: "\(samples) samples (first axis), as the inputs",
          received: "\(labels.shape)")
      }
      var perSample = [Float](repeating: 1, count: samples)
      for sample in 0..<samples {
        let row = values[(sample * columns)..<((sample + 1) * columns)]
        let label: Int
        if columns == 1 {
          // Keras rounds labels to class ids (`np.round`: halves to even).
          let value = (row.first ?? 0).rounded(.toNearestOrEven)
          guard value.isFinite, abs(value) < 1e9 else {
            throw PlexusError.invalidArgument(
              context: "\(context) classWeight",
              message: "label \(row.first ?? 0) of sample \(sample) is not a class id")
          }
          label = Int(value)
        } else {
          label = row.indices.max { row[$0] < row[$1] }.map { $0 - sample * columns } ?? 0
        }
        perSample[sample] = Float(classWeight[label] ?? 1)
      }
      weights = perSample
    }
    return try weights.map { try Tensor($0, shape: [samples]) }
  }
}
