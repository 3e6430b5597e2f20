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

    /// Measures what the process costs, about once a second (see `ProcessMeter`), on
    /// the clock of the snapshots' elapsed time.
    func measureResourcesIfDue() {
        if let use = processMeter.measure(at: (clock.now - started).seconds, step: step) { resources = use }
    }

    func snapshot() -> Snapshot {
        let elapsed = (clock.now - started).seconds
        let (sequenceRate, stepRate) = rates(elapsed: elapsed)
        var snapshot = Snapshot(
            settings: settings, model: network.config, parameterNames: network.layout.specs.map(\.name),
            parameterCount: network.parameterCount, taskSummary: task.summary, taskTitle: task.title, baseline: task.baseline,
            state: state,
            step: step, epochs: epochs, totalSteps: totalSteps,
            stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize), elapsedSeconds: elapsed,
            sequencesPerSecond: sequenceRate, stepsPerSecond: stepRate,
            events: Array(events.suffix(100)), eventCount: events.count, loss: loss, validationLoss: validationLoss,
            gradientNorm: gradientNorm, elapsedByStep: elapsedByStep, epochsByStep: epochsByStep,
            parameterGradientNorms: parameterGradientNorms, hiddenGradientProfile: hiddenProfile,
            hiddenGradientWindow: hiddenGradientWindow, probe: probe, probeStep: probeStep, modelChanges: modelChanges,
            markers: markers, canRollBack: !backup.isEmpty, textSample: textSample)
        snapshot.hiddenGradientProfileStep = hiddenProfileStep
        snapshot.resources = resources
        snapshot.accuracy = accuracy
        snapshot.validationAccuracy = validationAccuracy
        return snapshot
    }

    /// Sequences and steps a second: lately while running, over the whole training
    /// time once done, none while paused or diverged.
    private func rates(elapsed: Double) -> (sequences: Double, steps: Double) {
        switch state {
        case .running:
            rate.record(time: elapsed, steps: step, sequences: sequences)
            return (rate.sequencesPerSecond, rate.stepsPerSecond)
        case .done:
            let training = (idleSince ?? elapsed) - idleSeconds
            guard training > 0 else { return (0, 0) }
            return (Double(sequences) / training, Double(stepsTaken) / training)
        case .paused, .diverged:
            return (0, 0)
        }
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
