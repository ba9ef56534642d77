// Source: GitHub pull request fcakyon/balanced-loss#12 (Avoid nan loss when there are labels with no samples): https://github.com/fcakyon/balanced-loss/pull/12
// Bug: class-balanced weights are (1 - beta) / (1 - beta^n) per class; a class with n = 0 samples makes the denominator 1 - 1 = 0 and its weight inf, and the focal loss NaN.
// Fix: a class with no samples gets weight 0 and the rest are computed on a count of at least 1.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB044;

public sealed class BalancedFocalLoss
{
    private readonly Tensor _samplesPerClass;
    private readonly double _beta;

    public BalancedFocalLoss(Tensor samplesPerClass, double beta)
    {
        _samplesPerClass = samplesPerClass;
        _beta = beta;
    }

    private Tensor ClassWeights()
    {
        var present = (_samplesPerClass > 0).to(ScalarType.Float32);
        var effectiveNum = 1.0 - torch.pow(_beta, _samplesPerClass.clamp_min(1));
        var weights = (1.0 - _beta) / effectiveNum * present;
        return weights / weights.sum() * _samplesPerClass.shape[0];
    }

    public Tensor Loss(Tensor logits, Tensor labels)
    {
        var weights = ClassWeights().index_select(0, labels);
        return (F.cross_entropy(logits, labels, reduction: nn.Reduction.None) * weights).mean();
    }
}
