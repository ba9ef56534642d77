// Source: GitHub pull request CorentinJ/Real-Time-Voice-Cloning#678 (Add epsilon term to norm of x for avoiding zero divided exception): https://github.com/CorentinJ/Real-Time-Voice-Cloning/pull/678
// Bug: the speaker encoder's embedding is a relu of a Linear layer divided by its torch.norm; when the relu zeroes every unit the norm is 0 and the embedding NaN.
// Fix: add 1e-5 to the norm, as the pull request does.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB060;

public sealed class SpeakerEncoder : nn.Module<Tensor, Tensor>
{
    private readonly LSTM lstm = nn.LSTM(40, 256, 3, batchFirst: true);
    private readonly Linear linear = nn.Linear(256, 256);
    private readonly ReLU relu = nn.ReLU();

    public SpeakerEncoder() : base(nameof(SpeakerEncoder)) => RegisterComponents();

    public override Tensor forward(Tensor utterances)
    {
        var (_, hidden, _) = lstm.call(utterances);
        var embedsRaw = relu.call(linear.call(hidden[-1]));
        return embedsRaw / (torch.norm(embedsRaw, 1, keepdim: true) + 1e-5);
    }
}
