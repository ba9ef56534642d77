using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1003: log of a sigmoid, and of its complement, underflow to -inf.</summary>
public static class LogOfSigmoid
{
    /// <summary>NG1003: log of a sigmoid, and of its complement.</summary>
    public static Tensor LogProbabilities(Tensor logits) =>
        torch.log(torch.sigmoid(logits)) + logits.sigmoid().log() + torch.log(1 - torch.sigmoid(logits));  // NanGuard: NG1003, NG1003, NG1003
}
