using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.AnalyzerVerifier<NanGuard.Analyzers.Rules.UnscaledFloat16TrainingAnalyzer>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class UnscaledFloat16TrainingTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private const string Scaling =
        "multiply the loss by a scale (a power of two such as 1024) before backward() and divide the gradients by it before step()";

    private const string RuntimeScaling =
        "back-propagate NanGuard.Runtime's LossScaler.scale(loss) and step with TrainingGuard.Step(loss, scaler) or GuardedStep.ClipAndStep(..., scaler)";

    private static string Message(string advice) =>
        "backward() of a float16 model with no loss scaling: gradients below about 3e-8 underflow to 0 and above 65504 overflow to Inf; " + advice;

    private static string Train(string setup, string body) => Usings + $$"""
        class C
        {
            void Train(Tensor x, Tensor y)
            {
        {{setup}}
                var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
        {{body}}
                    optimizer.step();
                }
            }
        }
        """;

    [Fact]
    public async Task Half_model_is_a_warning_at_backward_naming_the_conversion()
    {
        var test = Verify.Test();
        test.TestCode = Train("""
                    var model = {|#1:nn.Linear(4, 2).half()|};
            """, """
                        var loss = F.mse_loss(model.call(x.half()), y.half());
                        {|#0:loss.backward()|};
            """);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1)
            .WithSeverity(DiagnosticSeverity.Info).WithMessage(Message(Scaling)));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("var model = nn.Linear(4, 2).to(ScalarType.Float16);")]
    [InlineData("var model = nn.Linear(4, 2).to(torch.float16);")]
    [InlineData("var model = nn.Linear(4, 2); model.to(torch.half);")]
    [InlineData("var model = nn.Linear(4, 2); x = x.to_type(TorchSharp.torch.ScalarType.Float16);")]
    [InlineData("var model = nn.Linear(4, 2); var w = torch.zeros(4, 2, dtype: ScalarType.Float16);")]
    [InlineData("var model = nn.Linear(4, 2); var w = torch.randn(new long[] { 4, 2 }, float16);")]
    public Task Every_spelling_of_float16(string setup) =>
        Verify.VerifyAnalyzerAsync(Train("        " + setup, """
                        [|F.mse_loss(model.call(x), y).backward()|];
            """));

    [Fact]
    public Task Points_to_the_LossScaler_where_the_project_references_NanGuard_Runtime()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.TestCode = Train("""
                    var model = {|#1:nn.Linear(4, 2).half()|};
            """, """
                        {|#0:F.mse_loss(model.call(x), y).backward()|};
            """);
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithMessage(Message(RuntimeScaling)));
        return test.RunAsync();
    }

    [Theory]
    [InlineData("(loss * 1024).backward();")]
    [InlineData("var scaled = loss * scale; scaled.backward();")]
    [InlineData("loss.mul(scale).backward();")]
    public Task A_loss_scaled_before_backward_is_not_reported(string backward) =>
        Verify.VerifyAnalyzerAsync(Train("""
                    var model = nn.Linear(4, 2).half();
                    var scale = 1024.0;
            """, $$"""
                        var loss = F.mse_loss(model.call(x), y);
                        {{backward}}
                        foreach (var p in model.parameters()) p.grad?.div_(scale);
            """));

    [Fact]
    public Task A_loss_scaled_by_the_runtime_LossScaler_is_not_reported()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.TestCode = Usings + """
            class C
            {
                void Train(Tensor x, Tensor y)
                {
                    var model = nn.Linear(4, 2).half();
                    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                    var scaler = new NanGuard.Runtime.LossScaler();
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        scaler.scale(loss).backward();
                        optimizer.step();
                    }
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = F.mse_loss(model.call(x), y);
                        var scaled = scaler.scale(loss);
                        scaled.backward();
                        NanGuard.Runtime.GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0, scaler);
                        optimizer.step();
                    }
                }
            }
            """;
        return test.RunAsync();
    }

    [Theory]
    [InlineData("var model = nn.Linear(4, 2);")]
    [InlineData("var model = nn.Linear(4, 2).bfloat16();")]
    [InlineData("var model = nn.Linear(4, 2).to(ScalarType.BFloat16);")]
    [InlineData("var model = nn.Linear(4, 2); var isHalf = x.dtype == ScalarType.Float16;")]
    [InlineData("var model = nn.Linear(4, 2).to(ScalarType.Float32);")]
    public Task Float32_and_bfloat16_training_are_not_reported(string setup) =>
        Verify.VerifyAnalyzerAsync(Train("        " + setup, """
                        F.mse_loss(model.call(x), y).backward();
            """));

    [Fact]
    public Task Half_precision_in_another_method_and_no_training_loop_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor Infer(Linear model, Tensor x) => model.half().call(x.half());

                void Train(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        F.mse_loss(model.call(x), y).backward();
                        optimizer.step();
                    }
                }

                void Once(Tensor x, Tensor y)
                {
                    var model = nn.Linear(4, 2).half();
                    var optimizer = torch.optim.SGD(model.parameters(), 0.01);
                    F.mse_loss(model.call(x), y).backward();
                    optimizer.step();
                }
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        test.TestCode = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { public Tensor half() => this; public void backward() { } }
                    public static class optim { public sealed class Optimizer { public void step() { } } }
                }
            }
            class C
            {
                void Train(TorchSharp.torch.Tensor loss, TorchSharp.torch.optim.Optimizer optimizer)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        loss.half().backward();
                        optimizer.step();
                    }
                }
            }
            """;
        await test.RunAsync();
    }
}
