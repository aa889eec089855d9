/// The dtype a layer under a mixed policy computes in, while its `call` runs: trainable float32
/// variables read then are cast to it (Keras's `AutocastScope`), so the layer's ops meet
/// operands of one dtype while the variables and their gradients stay float32.
enum Autocast {
  @TaskLocal static var dtype: DType?
}
