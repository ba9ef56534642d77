// Source: GitHub issue megvii-model/YOLOF#51 (About NAN during training): https://github.com/megvii-model/YOLOF/issues/51
// Bug: the head normalises its class score with log(1 + clamp(cls_score.exp(), max=INF) + clamp(objectness.exp(), max=INF)); the clamp comes after exp, which has already overflowed to inf.
// Fix: clamp the raw scores before exp (clamp(cls_score, max=log(INF)).exp()), as the reporter did.
// Hazard: exp overflow
using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB064;

public sealed class YolofHead : nn.Module<Tensor, Tensor>
{
    private const double Inf = 1e8;
    private readonly Conv2d clsScore = nn.Conv2d(512, 80, 3, padding: 1);
    private readonly Conv2d objectness = nn.Conv2d(512, 1, 3, padding: 1);

    public YolofHead() : base(nameof(YolofHead)) => RegisterComponents();

    public override Tensor forward(Tensor feature)
    {
        var cls = clsScore.call(feature);
        var obj = objectness.call(feature);
        return cls + obj - torch.log(1.0 + torch.clamp(cls.exp(), max: Inf) + torch.clamp(obj.exp(), max: Inf)); // expect: NG1017
    }
}
