import Testing

@testable import Plexus

/// Collects what a progress bar writes; its clock is set by hand.
private final class Recorder {
  var text = ""
  var now = 0.0
}

private func progbar(target: Int?, verbose: Int = 1, terminal: Bool, _ recorder: Recorder)
  -> Progbar
{
  Progbar(
    target: target, verbose: verbose, output: { recorder.text += $0 }, isTerminal: terminal,
    clock: { recorder.now })
}

private let metrics: [(String, Double)] = [("accuracy", 0.8219), ("loss", 0.5126)]

@Suite struct ProgbarTests {
  @Test func formatsTimesAsKerasDoes() {
    #expect(Progbar.formatETA(2.7) == "2s")
    #expect(Progbar.formatETA(65) == "1:05")
    #expect(Progbar.formatETA(3725) == "1:02:05")
    #expect(Progbar.formatElapsed(3.4) == "3s")
    #expect(Progbar.formatTimePerUnit(0.0013, unitName: "step") == "1ms/step")
    #expect(Progbar.formatTimePerUnit(0.00085, unitName: "step") == "850us/step")
    #expect(Progbar.formatTimePerUnit(2.2, unitName: "epoch") == "2s/epoch")
    #expect(Progbar.formatValue(0.61234) == "0.6123")
    #expect(Progbar.formatValue(0.000032) == "3.2000e-05")
  }

  @Test func terminalLineShowsCountBarTimesAndValues() {
    let line = Progbar.terminalLine(
      current: 37, target: 1875, width: 20, time: "2s", perUnit: "1ms/step",
      values: [("accuracy", 0.75), ("loss", 0.6123)])
    #expect(line == "  37/1875 ──────────────────── 2s 1ms/step - accuracy: 0.7500 - loss: 0.6123")
    let half = Progbar.terminalLine(
      current: 5, target: 10, width: 10, time: "1s", perUnit: "3ms/step", values: [])
    #expect(half == " 5/10 ━━━━━───── 1s 3ms/step")
    let unknown = Progbar.terminalLine(
      current: 12, target: nil, width: 10, time: "1s", perUnit: "3ms/step", values: [])
    #expect(unknown == "     12/Unknown 1s 3ms/step")
  }

  @Test func summaryLineIsKerasVerboseTwo() {
    let line = Progbar.summaryLine(
      current: 1875, target: 1875, elapsed: "3s", perUnit: "1ms/step", values: metrics)
    #expect(line == "1875/1875 - 3s - 1ms/step - accuracy: 0.8219 - loss: 0.5126")
  }

  @Test func notATerminalPrintsOneLineAtTheEnd() {
    let recorder = Recorder()
    let bar = progbar(target: 1875, terminal: false, recorder)
    recorder.now = 1.2
    bar.update(1, values: metrics)
    recorder.now = 2.0
    bar.update(900, values: metrics)
    #expect(recorder.text.isEmpty)
    recorder.now = 3.2
    bar.update(1875, values: metrics)
    // (3.2 - 1.2) s over the 1874 steps after the first: 1.07 ms per step.
    #expect(recorder.text == "1875/1875 - 3s - 1ms/step - accuracy: 0.8219 - loss: 0.5126\n")
  }

  @Test func verboseTwoOnATerminalAlsoPrintsOneLine() {
    let recorder = Recorder()
    let bar = progbar(target: 2, verbose: 2, terminal: true, recorder)
    recorder.now = 0.5
    bar.update(1)
    #expect(recorder.text.isEmpty)
    recorder.now = 1
    bar.update(2, values: [("loss", 0.25)])
    #expect(recorder.text == "2/2 - 1s - 500ms/step - loss: 0.2500\n")
  }

  @Test func terminalRedrawsInPlaceThrottledAndEndsWithNewline() {
    let recorder = Recorder()
    let bar = progbar(target: 10, terminal: true, recorder)
    recorder.now = 0.1
    bar.update(1, values: [("loss", 0.5)])
    #expect(recorder.text == "\r 1/10 ━━────────────────── 0s 100ms/step - loss: 0.5000")
    recorder.text = ""
    recorder.now = 0.12
    bar.update(2, values: [("loss", 0.4)])
    #expect(recorder.text.isEmpty)
    recorder.now = 0.5
    bar.update(5, values: [("loss", 0.3)])
    // 0.4 s over 4 steps after the first: 100 ms each, 5 steps left.
    #expect(recorder.text == "\r 5/10 ━━━━━━━━━━────────── 0s 100ms/step - loss: 0.3000")
    recorder.text = ""
    recorder.now = 1.0
    bar.update(10, values: [("loss", 0.2)])
    #expect(recorder.text == "\r10/10 ━━━━━━━━━━━━━━━━━━━━ 1s 100ms/step - loss: 0.2000\n")
  }

  @Test func shorterLinesArePaddedOverTheOldOne() {
    let recorder = Recorder()
    let bar = progbar(target: 10, terminal: true, recorder)
    recorder.now = 1000
    bar.update(1, values: [("loss", 0.5)])
    #expect(recorder.text.hasSuffix(" 2:30:00 1000s/step - loss: 0.5000"))
    recorder.text = ""
    recorder.now = 1000.9
    bar.update(10)
    let expected = "\r10/10 ━━━━━━━━━━━━━━━━━━━━ 1001s 100ms/step - loss: 0.5000  \n"
    #expect(recorder.text == expected)
  }

  @Test func silentWhenVerboseIsZero() {
    let recorder = Recorder()
    let bar = progbar(target: 2, verbose: 0, terminal: true, recorder)
    bar.update(1)
    bar.update(2)
    #expect(recorder.text.isEmpty)
  }
}
