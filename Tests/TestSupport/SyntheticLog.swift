import Foundation
import RNNCore

/// Lines of a run log as another program writes it (a PyTorch trainer on a GPU), for
/// tests that replay what rnntop did not train itself: a run record, old gradient
/// profiles, and step records thinned the way long logs are.
public enum SyntheticLog {
    /// The run record: an LSTM(8) of 1,500 steps on `cuda:0`, by "my-trainer".
    public static let run =
        #"{"type":"run","schema":1,"program":"my-trainer","model":{"cell":"lstm","hidden":8},"total_steps":1500,"device":"cuda:0"}"#

    /// A profile over 50 time steps whose first step's norm is `ratio` times its last's.
    public static func profile(at step: Int, ratio: Double) -> String {
        let norms = (0..<50).map { t in 0.1 * pow(ratio, Double(49 - t) / 49) }
        return #"{"type":"grad_profile","step":\#(step),"layers":[[\#(norms.map { "\($0)" }.joined(separator: ","))]]}"#
    }

    /// Step records 1 to 1,500, every one to 1,000 and every tenth after, as rnntop's
    /// schedule keeps them; the tenths summarise their steps, the one at `spike` (if
    /// any) with a loss of 1,000 among them. Losses drawn from a seeded generator.
    public static func steps(spikeAt spike: Int?) -> [String] {
        var generator = RandomGenerator(seed: 7)
        var lines = (1...1000).map { step in
            #"{"type":"step","step":\#(step),"loss":\#(0.3 + 0.4 * generator.nextDouble()),"grad_norm":1}"#
        }
        for step in stride(from: 1010, through: 1500, by: 10) {
            let high = step == spike ? 1000 : 0.55
            lines.append(
                #"{"type":"step","step":\#(step),"loss":0.5,"grad_norm":1,"steps":10,"loss_min":0.45,"loss_max":\#(high),"loss_mean":0.5,"#
                    + #""grad_norm_min":1,"grad_norm_max":1,"grad_norm_mean":1}"#)
        }
        return lines
    }
}
