// Source: GRIST (FSE'21) subject 15, Tensorflow_Value_Iteration_Networks_V1: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_15
// Bug: the network's forward ends in a softmax over actions and the cost is -mean(gather(log(nn), idx)); a probability underflows to 0.
// Fix: the network returns logits and the cost gathers F.log_softmax (the negative log likelihood).
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB013;

public sealed class ValueIterationNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d h = nn.Conv2d(2, 150, 3, padding: 1);
    private readonly Conv2d r = nn.Conv2d(150, 1, 1);
    private readonly Linear fc = nn.Linear(64, 8);

    public ValueIterationNetwork() : base(nameof(ValueIterationNetwork)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        var reward = r.call(h.call(x));
        var logits = fc.call(reward.flatten(1));
        return F.softmax(logits, 1);
    }
}

public static class Training
{
    public static Tensor Cost(ValueIterationNetwork vin, Tensor x, Tensor actions)
    {
        var nn = vin.call(x);
        return -torch.log(nn).gather(1, actions.unsqueeze(1)).mean(); // expect: NG1001
    }
}
