using System;
using System.Linq;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NanGuard.Proofs.Tests;

public sealed class HalfAdamProbe
{
    private readonly ITestOutputHelper _output;
    public HalfAdamProbe(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("Adam", 1e-8)]
    [InlineData("Adam", 1e-4)]
    [InlineData("Adam", 1e-6)]
    [InlineData("AdamW", 1e-8)]
    [InlineData("AdamW", 1e-4)]
    public void Probe(string kind, double eps)
    {
        using var scope = torch.NewDisposeScope();
        var model = nn.Linear(4, 1, hasBias: false);
        model.half();
        var weight = model.weight!;
        using (torch.no_grad())
            weight.copy_(torch.tensor(new float[] { 1f, -1f, 0.5f, 2f }).reshape(1, 4).half());
        optim.Optimizer o = kind == "Adam" ? torch.optim.Adam(model.parameters(), lr: 0.01, eps: eps) : torch.optim.AdamW(model.parameters(), lr: 0.01, eps: eps);
        _output.WriteLine($"{kind} eps={eps} dtype={weight.dtype}");
        foreach (var g in new[] { new float[] { 0.5f, 0f, 1e-3f, 1e-2f }, new float[] { 0.5f, 0f, 1e-3f, 1e-2f } })
        {
            o.zero_grad();
            var loss = (weight * torch.tensor(g).reshape(1, 4).half()).sum();
            loss.backward();
            o.step();
            _output.WriteLine(string.Join(", ", weight.to(ScalarType.Float32).data<float>().ToArray()));
        }
    }
}
