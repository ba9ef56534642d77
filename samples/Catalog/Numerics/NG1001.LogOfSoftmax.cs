using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.Numerics;

/// <summary>NG1001, tripped once (NanGuard reports the marked line), beside the form its fix writes.</summary>
public static class LogOfSoftmax
{
    /// <summary>NG1001: a probability that underflows to 0 has log -inf, and log's gradient there is inf.</summary>
    public static Tensor LogProbabilities(Tensor logits) => torch.log(F.softmax(logits, 1));  // NanGuard: NG1001

    /// <summary>NG1001 fixed.</summary>
    public static Tensor LogProbabilitiesFixed(Tensor logits) => F.log_softmax(logits, 1);
}
