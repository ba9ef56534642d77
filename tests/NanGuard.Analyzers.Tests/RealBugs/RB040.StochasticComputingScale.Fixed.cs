// Source: GRIST (FSE'21) subject 28, SC_DNN sc_train_l2reg: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_28
// Bug: the scaled layers divide by the batch's max scale (tf.div(s_in, max_scale)) and by a trainable gain (tf.div(curr_scale, gain)); either can be 0.
// Fix: the program's creg version adds 1e-7 to both divisors.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB040;

public sealed class ScaledLayer : nn.Module<Tensor, Tensor, (Tensor, Tensor)>
{
    private readonly Parameter gain = new(torch.ones(1));
    private readonly Linear linear = nn.Linear(128, 128);

    public ScaledLayer() : base(nameof(ScaledLayer)) => RegisterComponents();

    public override (Tensor, Tensor) forward(Tensor x, Tensor sIn)
    {
        var maxScale = sIn.max();
        var rescaleRatio = sIn / (maxScale + 1e-7);
        var y = linear.call(x * rescaleRatio);
        var currScale = maxScale * 128;
        var newScale = currScale / (gain + 1e-7);
        return (torch.tanh(y * gain), newScale);
    }
}
