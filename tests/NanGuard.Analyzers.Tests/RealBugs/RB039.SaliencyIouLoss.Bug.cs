// Source: GitHub pull request xuebinqin/BASNet#69 (Avoid obtaining NaN loss value during training): https://github.com/xuebinqin/BASNet/pull/69
// Bug: the IoU loss divides the intersection by sum(pred) + sum(target) - intersection; with an all-zero ground-truth mask and a prediction that has gone to 0 the union is 0.
// Fix: add an epsilon to the union, as the pull request does.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB039;

public sealed class IouLoss : nn.Module<Tensor, Tensor, Tensor>
{
    public IouLoss() : base(nameof(IouLoss)) { }

    public override Tensor forward(Tensor pred, Tensor target)
    {
        var b = pred.shape[0];
        var iou = torch.zeros(1);
        for (var i = 0; i < b; i++)
        {
            var iand = torch.sum(target[i] * pred[i]);
            var ior = torch.sum(target[i]) + torch.sum(pred[i]) - iand;
            iou = iou + (1 - iand / ior); // expect: NG1016, NG1013
        }
        return iou / b;
    }
}
