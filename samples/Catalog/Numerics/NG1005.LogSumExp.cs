using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1005: log of a sum of exponentials overflows to inf.</summary>
public static class LogSumExp
{
    /// <summary>NG1005: log of a sum of exponentials.</summary>
    public static Tensor LogPartition(Tensor scores) => torch.log(torch.exp(scores).sum(1));  // NanGuard: NG1005
}
