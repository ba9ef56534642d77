using TorchSharp;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1022, tripped once (NanGuard reports the marked line), beside the form the page's fix writes.</summary>
public static class UnbiasedSpreadOfOne
{
    /// <summary>NG1022: one sample made a batch of one: the unbiased std over that dim is NaN.</summary>
    public static Tensor SampleSpread(Tensor batch, long i)
    {
        var one = batch[i].unsqueeze(0);
        return one.std(0); // NanGuard: NG1022
    }

    /// <summary>NG1022 fixed: the spread over the sample's own values.</summary>
    public static Tensor SampleSpreadFixed(Tensor batch, long i)
    {
        var one = batch[i].unsqueeze(0);
        return one.std(1);
    }
}
