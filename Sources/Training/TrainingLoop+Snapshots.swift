import RNNData

/// What the session publishes: probes, text samples and snapshots.
extension TrainingLoop {
    /// Refreshes the probe when it is older than the probe interval.
    func refreshProbeIfDue(now: Double, last: inout Double) {
        guard probe == nil || now - last >= options.probeInterval else { return }
        probe = network.probe(task.probe)
        probeStep = step
        last = now
    }

    /// Generates a fresh text sample when the task is a text and the last one is old.
    func refreshSampleIfDue(now: Double) {
        guard let text = task as? TextTask, let interval = options.sampleInterval,
            now - lastSample >= interval, step > 0 || textSample == nil
        else { return }
        let prime = text.vocabulary.tokens(of: "The ").count == 4 ? "The " : ""
        let sample = prime + text.sample(from: network, prime: prime, count: 240, temperature: 0.8, generator: &sampleGenerator)
        textSample = sample
        lastSample = now
        log?.sample(step: step, text: sample)
    }

    func snapshot() -> Snapshot {
        let elapsed = (clock.now - started).seconds
        rate.record(time: elapsed, steps: step, sequences: sequences)
        return Snapshot(
            settings: settings, model: network.config, parameterNames: network.layout.specs.map(\.name),
            parameterCount: network.parameterCount, taskSummary: task.summary, baseline: task.baseline, state: state,
            step: step, epochs: epochs, totalSteps: totalSteps,
            stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize), elapsedSeconds: elapsed,
            sequencesPerSecond: rate.sequencesPerSecond, stepsPerSecond: rate.stepsPerSecond,
            events: Array(events.suffix(100)), eventCount: events.count, loss: loss, validationLoss: validationLoss,
            gradientNorm: gradientNorm, parameterGradientNorms: parameterGradientNorms,
            hiddenGradientProfile: hiddenProfile, probe: probe, probeStep: probeStep, modelChanges: modelChanges,
            canRollBack: !backup.isEmpty, textSample: textSample)
    }
}

/// Sequences and steps per second over the last few seconds.
struct ThroughputMeter {
    private var samples: [(time: Double, steps: Int, sequences: Int)] = []

    mutating func record(time: Double, steps: Int, sequences: Int) {
        samples.append((time, steps, sequences))
        while let first = samples.first, time - first.time > 2, samples.count > 2 { samples.removeFirst() }
    }

    var sequencesPerSecond: Double { perSecond(\.sequences) }
    var stepsPerSecond: Double { perSecond(\.steps) }

    private func perSecond(_ value: KeyPath<(time: Double, steps: Int, sequences: Int), Int>) -> Double {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return 0 }
        return Double(last[keyPath: value] - first[keyPath: value]) / (last.time - first.time)
    }
}
