// Source: GitHub issue rbgirshick/py-faster-rcnn#65 (bbox_transform.py: overflow encountered in exp): https://github.com/rbgirshick/py-faster-rcnn/issues/65
// Bug: box decoding takes pred_w = exp(dw) * widths of the regression head's raw dw; a large dw overflows exp and the proposals and RPN loss become NaN.
// Fix: clamp dw and dh at log(1000 / 16) before the exp, the bound Detectron and torchvision's BoxCoder adopted.
// Hazard: exp overflow
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB046;

public sealed class RpnHead : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv = nn.Conv2d(512, 512, 3, padding: 1);
    private readonly Conv2d bboxPred = nn.Conv2d(512, 36, 1);

    public RpnHead() : base(nameof(RpnHead)) => RegisterComponents();

    public override Tensor forward(Tensor features) => bboxPred.call(F.relu(conv.call(features)));
}

public static class BboxTransform
{
    public static Tensor Inv(Tensor boxes, Tensor deltas)
    {
        var widths = boxes[TensorIndex.Colon, 2] - boxes[TensorIndex.Colon, 0] + 1.0;
        var heights = boxes[TensorIndex.Colon, 3] - boxes[TensorIndex.Colon, 1] + 1.0;
        var ctrX = boxes[TensorIndex.Colon, 0] + 0.5 * widths;
        var ctrY = boxes[TensorIndex.Colon, 1] + 0.5 * heights;
        var dx = deltas[TensorIndex.Colon, 0];
        var dy = deltas[TensorIndex.Colon, 1];
        var dw = deltas[TensorIndex.Colon, 2];
        var dh = deltas[TensorIndex.Colon, 3];
        var predW = torch.exp(dw) * widths; // expect: NG1017
        var predH = torch.exp(dh) * heights; // expect: NG1017
        var predCtrX = dx * widths + ctrX;
        var predCtrY = dy * heights + ctrY;
        return torch.stack(new[] { predCtrX - 0.5 * predW, predCtrY - 0.5 * predH, predCtrX + 0.5 * predW, predCtrY + 0.5 * predH }, 1);
    }

    public static Tensor Proposals(RpnHead head, Tensor features, Tensor anchors) =>
        Inv(anchors, head.call(features).permute(0, 2, 3, 1).reshape(-1, 4));
}
