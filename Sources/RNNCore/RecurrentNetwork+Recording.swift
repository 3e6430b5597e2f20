extension RecurrentNetwork {
    /// Copies the tensors asked for out of the shards into whole-batch arrays.
    func collect(_ record: PassRecording, batch: SequenceBatch, shards count: Int) -> RecordedTensors {
        let used = Array(shardsInUse(count))
        let h = config.hiddenSize, steps = batch.steps, size = batch.size
        let stateCount = config.layers * size * h
        var result = RecordedTensors()

        /// Gathers `[slices][rows][width]` blocks of every shard into `[slices][B][width]`.
        func gather(slices: Int, width: Int, _ source: (Shard) -> UnsafePointer<Float>) -> [Float] {
            var out = [Float](repeating: 0, count: slices * size * width)
            for shard in used {
                let base = source(shard)
                for t in 0..<slices {
                    for e in 0..<(shard.rows * width) {
                        out[(t * size + shard.firstRow) * width + e] = base[t * shard.rows * width + e]
                    }
                }
            }
            return out
        }

        let top = config.layers - 1
        if record.contains(.outputs) {
            result.output = gather(slices: steps, width: h) { UnsafePointer($0.layers[top].hidden.pointer + $0.rows * h) }
            result.finalHidden = finalStates(cell: false, count: stateCount)
            if config.cell.hasCellState { result.finalCell = finalStates(cell: true, count: stateCount) }
        }
        if record.contains(.hiddenGradients) {
            result.hiddenGradients = (0..<config.layers).map { l in
                gather(slices: steps, width: h) { UnsafePointer($0.layers[l].dHidden.pointer + $0.rows * h) }
            }
        }
        if record.contains(.inputGradients) {
            result.inputGradient = gather(slices: steps, width: config.inputSize) { UnsafePointer($0.layers[0].dInput.pointer) }
            result.initialHiddenGradient = (0..<config.layers).flatMap { l in
                gather(slices: 1, width: h) { UnsafePointer($0.layers[l].dHidden.pointer) }
            }
            if config.cell.hasCellState {
                result.initialCellGradient = (0..<config.layers).flatMap { l in
                    gather(slices: 1, width: h) { UnsafePointer($0.layers[l].dCell.pointer) }
                }
            }
        }
        if record.contains(.predictions) && config.head != .none {
            let slices = config.head == .everyStep ? steps : 1
            result.predictions = gather(slices: slices, width: config.outputSize) { UnsafePointer($0.headOutput.pointer) }
        }
        return result
    }
}
