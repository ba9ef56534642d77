// Source: GitHub pull request open-mmlab/mmdetection#3394 (Update iou_loss.py, NaN when a predicted box has no area): https://github.com/open-mmlab/mmdetection/pull/3394
// Bug: the GIoU loss divides the overlap by the union and the enclosing area of predicted and target boxes; a predicted box of zero area (early in training of anchor-free detectors) makes them 0 and the loss 0 / 0.
// Fix: an epsilon floor on the union and on the enclosing area.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB038;

public static class IouLoss
{
    private const double Eps = 1e-6;

    private static Tensor Area(Tensor boxes) =>
        (boxes[TensorIndex.Ellipsis, 2] - boxes[TensorIndex.Ellipsis, 0]) * (boxes[TensorIndex.Ellipsis, 3] - boxes[TensorIndex.Ellipsis, 1]);

    public static Tensor GiouLoss(Tensor pred, Tensor target)
    {
        var lt = torch.maximum(pred[TensorIndex.Ellipsis, TensorIndex.Slice(null, 2)], target[TensorIndex.Ellipsis, TensorIndex.Slice(null, 2)]);
        var rb = torch.minimum(pred[TensorIndex.Ellipsis, TensorIndex.Slice(2, null)], target[TensorIndex.Ellipsis, TensorIndex.Slice(2, null)]);
        var wh = (rb - lt).clamp(min: 0);
        var overlap = wh[TensorIndex.Ellipsis, 0] * wh[TensorIndex.Ellipsis, 1];
        var union = (Area(pred) + Area(target) - overlap).clamp_min(Eps);
        var ious = overlap / union;
        var enclosedLt = torch.minimum(pred[TensorIndex.Ellipsis, TensorIndex.Slice(null, 2)], target[TensorIndex.Ellipsis, TensorIndex.Slice(null, 2)]);
        var enclosedRb = torch.maximum(pred[TensorIndex.Ellipsis, TensorIndex.Slice(2, null)], target[TensorIndex.Ellipsis, TensorIndex.Slice(2, null)]);
        var enclosedWh = (enclosedRb - enclosedLt).clamp(min: 0);
        var enclosedArea = (enclosedWh[TensorIndex.Ellipsis, 0] * enclosedWh[TensorIndex.Ellipsis, 1]).clamp_min(Eps);
        var gious = ious - (enclosedArea - union) / enclosedArea;
        return (1 - gious).mean();
    }
}
