extension Model {
  /// Prints the layers, their output shapes and parameter counts in Keras's table form.
  /// Equivalent to Keras's `Model.summary()`.
  public func summary(printFunction: (String) -> Void = { print($0) }) {
    printFunction(summaryText())
  }

  /// The text ``summary(printFunction:)`` prints.
  public func summaryText() -> String {
    if let sequential = self as? Sequential { try? sequential.buildFromInput() }
    let widths = [33, 24, 15]
    var lines = ["Model: \"\(name)\""]
    func rule(_ left: String, _ fill: String, _ join: String, _ right: String) -> String {
      left + widths.map { String(repeating: fill, count: $0) }.joined(separator: join) + right
    }
    func row(_ cells: [String], _ border: String) -> String {
      let padded = zip(cells, widths).enumerated().map { index, pair -> String in
        let (cell, width) = pair
        let text = cell.count > width - 2 ? String(cell.prefix(width - 3)) + "…" : cell
        let space = String(repeating: " ", count: Swift.max(width - 2 - text.count, 0))
        return " " + (index == 2 ? space + text : text + space) + " "
      }
      return border + padded.joined(separator: border) + border
    }
    lines.append(rule("┏", "━", "┳", "┓"))
    lines.append(row(["Layer (type)", "Output Shape", "Param #"], "┃"))
    lines.append(rule("┡", "━", "╇", "┩"))
    let rows = summaryRows()
    for (index, entry) in rows.enumerated() {
      lines.append(row([entry.0, entry.1, Self.grouped(entry.2)], "│"))
      if index < rows.count - 1 { lines.append(rule("├", "─", "┼", "┤")) }
    }
    lines.append(rule("└", "─", "┴", "┘"))
    let all = weights
    let trainable = all.filter(\.trainable)
    let totalCount = all.reduce(0) { $0 + $1.count }
    let trainableCount = trainable.reduce(0) { $0 + $1.count }
    let bytes = { (variables: [Variable]) in
      variables.reduce(0) { $0 + $1.count * $1.dtype.byteSize }
    }
    let frozen = all.filter { !$0.trainable }
    lines.append(" Total params: \(Self.grouped(totalCount)) (\(Self.memory(bytes(all))))")
    lines.append(
      " Trainable params: \(Self.grouped(trainableCount)) (\(Self.memory(bytes(trainable))))")
    lines.append(
      " Non-trainable params: \(Self.grouped(totalCount - trainableCount)) (\(Self.memory(bytes(frozen))))"
    )
    return lines.joined(separator: "\n")
  }

  private func summaryRows() -> [(String, String, Int)] {
    func label(_ layer: Layer) -> String { "\(layer.name) (\(layer.className))" }
    if let graph {
      var rows: [(String, String, Int)] = graph.inputs.enumerated().map { index, input in
        let name = (input as? Input)?.name ?? "input_\(index)"
        return ("\(name) (InputLayer)", Self.shapeText(input.shape), 0)
      }
      var shown = Set<ObjectIdentifier>()
      for symbol in graph.order {
        guard let layer = symbol.producer?.layer, shown.insert(ObjectIdentifier(layer)).inserted
        else { continue }
        rows.append((label(layer), Self.shapeText(symbol.shape), layer.countParams()))
      }
      return rows
    }
    if let sequential = self as? Sequential {
      let shapes = sequential.outputShapes
      return containedLayers.enumerated().map { index, layer in
        let shape = index < shapes.count ? Self.shapeText(shapes[index]) : "?"
        return (label(layer), layer.built ? shape : "?", layer.countParams())
      }
    }
    return sublayers.map { _, layer in (label(layer), "?", layer.countParams()) }
  }

  static func shapeText(_ shape: Shape) -> String {
    let dims = shape.dims.map { $0 < 0 ? "None" : "\($0)" }
    return dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
  }

  static func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (index, character) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
      result.append(character)
    }
    return result
  }

  static func memory(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
  }
}
